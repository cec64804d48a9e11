"""Photo evidence toolkit: EXIF, derivatives, geofence and time checks, the blob store.

Pure Python; imports nothing of server or sync, and no Flask.
"""
