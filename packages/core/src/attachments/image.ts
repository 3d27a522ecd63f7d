import { ChatError } from '@chat/contracts';
import type { Readable } from 'node:stream';

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 320;
/** Largest image decoded (pixels): a small file can claim a huge canvas (a decompression bomb). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/**
 * sharp (libvips), loaded on the first image: most processes that import this package (sinks,
 * tools) never decode one, and loading it costs a second of start-up on a busy machine.
 */
const loadSharp = async () => {
  const { default: sharp } = await import('sharp');
  // Each upload is decoded once; keeping decoded images around would only hold memory.
  sharp.cache(false);
  return sharp;
};
let sharpLoaded: ReturnType<typeof loadSharp> | undefined;

export interface ImageFacts {
  /** As displayed, after the EXIF orientation. */
  width: number;
  height: number;
  /** A WebP no larger than `THUMBNAIL_SIZE` on its longest side. */
  thumbnail: Buffer;
}

/**
 * Measures an image and makes its thumbnail, reading `source` once as a stream. Bytes that do
 * not decode as an image are `BAD_REQUEST`.
 */
export async function describeImage(source: Readable): Promise<ImageFacts> {
  const sharp = await (sharpLoaded ??= loadSharp());
  const image = sharp({ limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', animated: false });
  source.on('error', (error) => image.destroy(error));
  source.pipe(image);
  try {
    const [meta, thumbnail] = await Promise.all([
      image.clone().metadata(),
      image
        .clone()
        .rotate()
        .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 70 })
        .toBuffer(),
    ]);
    if (!meta.width || !meta.height) throw new Error('the image has no size');
    const turned = (meta.orientation ?? 1) >= 5;
    return {
      width: turned ? meta.height : meta.width,
      height: turned ? meta.width : meta.height,
      thumbnail,
    };
  } catch (error) {
    source.destroy();
    throw new ChatError(
      'BAD_REQUEST',
      `the image cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * A square WebP of `size` pixels cut from the middle of an image (after its EXIF orientation),
 * reading `source` once as a stream: what is kept of an avatar. Bytes that do not decode as an
 * image are `BAD_REQUEST`; an error of `source` itself (a size limit) is thrown as it is.
 */
export async function squareImage(source: Readable, size: number): Promise<Buffer> {
  const sharp = await (sharpLoaded ??= loadSharp());
  const image = sharp({ limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', animated: false });
  let sourceError: unknown;
  source.on('error', (error) => {
    sourceError = error;
    image.destroy(error);
  });
  source.pipe(image);
  try {
    return await image
      .rotate()
      .resize(size, size, { fit: 'cover', position: 'attention' })
      .webp({ quality: 80 })
      .toBuffer();
  } catch (error) {
    source.destroy();
    if (sourceError instanceof ChatError) throw sourceError;
    throw new ChatError(
      'BAD_REQUEST',
      `the image cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
