"""sync status resource."""
