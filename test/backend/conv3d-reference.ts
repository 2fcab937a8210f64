/**
 * Float64 reference of a 3D convolution (NDHWC, filter [KD, KH, KW, Ci, Co])
 * and its two gradients for a given dy, straight from the definition
 *   y[b, od, oh, ow, co] = Σ x[b, od·sd + kd·dd − pf, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, ci] · w[kd, kh, kw, ci, co]
 * (out-of-range taps read zero); padding and output sizes from TF.js's conv info.
 */
import type * as tf from '@tensorflow/tfjs';

export interface Conv3dReference {
  y: Float64Array;
  dx: Float64Array;
  dw: Float64Array;
}

export function conv3dNaive(x: Float64Array, w: Float64Array, dy: Float64Array | null, c: tf.backend_util.Conv3DInfo): Conv3dReference {
  const { batchSize: B, inDepth: D, inHeight: H, inWidth: W, inChannels: Ci, outDepth: OD, outHeight: OH, outWidth: OW, outChannels: Co } = c;
  const { filterDepth: KD, filterHeight: KH, filterWidth: KW } = c;
  const y = new Float64Array(B * OD * OH * OW * Co);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let b = 0; b < B; b++)
    for (let od = 0; od < OD; od++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++)
          for (let kd = 0; kd < KD; kd++) {
            const id = od * c.strideDepth + kd * c.dilationDepth - c.padInfo.front;
            if (id < 0 || id >= D) continue;
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * c.strideHeight + kh * c.dilationHeight - c.padInfo.top;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * c.strideWidth + kw * c.dilationWidth - c.padInfo.left;
                if (iw < 0 || iw >= W) continue;
                for (let ci = 0; ci < Ci; ci++) {
                  const xi = (((b * D + id) * H + ih) * W + iw) * Ci + ci;
                  for (let co = 0; co < Co; co++) {
                    const wi = (((kd * KH + kh) * KW + kw) * Ci + ci) * Co + co;
                    const yi = (((b * OD + od) * OH + oh) * OW + ow) * Co + co;
                    y[yi] = (y[yi] as number) + (x[xi] as number) * (w[wi] as number);
                    if (dy !== null) {
                      dx[xi] = (dx[xi] as number) + (dy[yi] as number) * (w[wi] as number);
                      dw[wi] = (dw[wi] as number) + (dy[yi] as number) * (x[xi] as number);
                    }
                  }
                }
              }
            }
          }
  return { y, dx, dw };
}
