// Photos are evidence: the original is sent as it is. Only a JPEG the server would refuse (more
// bytes or more pixels than its limits, docs/sync.md) is re-encoded smaller on the tablet.
export async function fitToLimits(file, limits) {
  if (file.type !== 'image/jpeg') return { blob: file, downscaled: false };
  let bitmap = null;
  try {
    bitmap = await createImageBitmap(file);
  } catch (err) {
    return { blob: file, downscaled: false }; // the server judges a file it cannot read
  }
  const pixels = bitmap.width * bitmap.height;
  if (file.size <= limits.max_photo_bytes && pixels <= limits.max_photo_pixels) return { blob: file, downscaled: false };
  let scale = Math.min(1, Math.sqrt(limits.max_photo_pixels / pixels) * 0.98);
  for (let attempt = 0; attempt < 6; attempt += 1) {
    const canvas = new OffscreenCanvas(Math.floor(bitmap.width * scale), Math.floor(bitmap.height * scale));
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    if (blob.size <= limits.max_photo_bytes) return { blob, downscaled: true };
    scale *= 0.8;
  }
  return { blob: file, downscaled: false };
}
