// `decoder: "browser"`: the browser's own image decoder (createImageBitmap,
// then an OffscreenCanvas for the RGBA pixels), for formats our wasm cannot
// decode (AVIF, and HEIC where the browser can). The EXIF orientation is
// applied by Chromium (docs/EMBED.md): the pixels are the image as displayed.

/** The same caps as the wasm decoder's defaults (src/decode/limits.rs). */
const MAX_SIDE = 32768;
const MAX_PIXELS = 2 ** 27;

function failure(code, message) {
  return Object.assign(new Error(message), { code });
}

/** Decodes `blob` to `{ width, height, data }` (RGBA, unpremultiplied, sRGB). */
export async function decodeInBrowser(blob) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch (err) {
    throw failure('unsupported-format', String(err?.message ?? err));
  }
  try {
    const { width, height } = bitmap;
    if (width === 0 || height === 0) throw failure('corrupt', `the image is ${width}x${height} pixels`);
    if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) {
      throw failure('too-large', `${width}x${height} pixels is over the decode limits`);
    }
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, width, height);
    return { width, height, data };
  } finally {
    bitmap.close();
  }
}
