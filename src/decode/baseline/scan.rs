//! The scan: Huffman-decodes every block and inverse-transforms it at 1/4
//! scale (2x2 samples, from the four lowest frequencies) or 1/8 (the DC
//! alone) into one plane per component, with the same integer arithmetic as
//! jpeg-decoder's reduced IDCTs, so the planes match its own.

use super::huffman::{extend, BitReader, HuffmanTable};
use super::segments::Baseline;
use crate::error::{Error, Result};

/// The samples of one component at the reduced scale, every decoded block
/// included (also the padding blocks past the image's edge).
pub(super) struct Plane {
    pub(super) data: Vec<u8>,
    /// Samples per row of `data`.
    pub(super) stride: usize,
}

/// Coefficients kept per block: zig-zag positions 0..=4, of which the 2x2
/// transform reads 0 (DC), 1 (row 0, column 1), 2 (row 1, column 0) and 4
/// (row 1, column 1); one more slot takes every later coefficient unread.
const KEPT: usize = 6;

/// Decodes the scan into planes at 1/`reduction` scale (4 or 8).
pub(super) fn decode(frame: &Baseline<'_>, reduction: usize) -> Result<Vec<Plane>> {
    let side = 8 / reduction; // samples per block side: 2 or 1
    let (mcus_x, mcus_y) = mcus(frame);
    let mut planes: Vec<Plane> = frame
        .components
        .iter()
        .map(|c| {
            let stride = mcus_x * c.h * side;
            Plane { data: vec![0; stride * mcus_y * c.v * side], stride }
        })
        .collect();
    let quant: Vec<[i32; 4]> =
        frame.components.iter().map(|c| [0, 1, 8, 9].map(|natural| i32::from(c.quant[natural]))).collect();
    let complete = walk(frame, |i, block_x, block_y, coefficients| {
        let plane = &mut planes[i];
        let at = block_y * side * plane.stride + block_x * side;
        if side == 2 {
            idct_2x2(coefficients, &quant[i], &mut plane.data[at..], plane.stride);
        } else {
            plane.data[at] = idct_1x1(coefficients[0], quant[i][0]);
        }
    })?;
    if complete < mcus_x * mcus_y {
        return Err(Error::Truncated);
    }
    Ok(planes)
}

/// How many whole rows of MCUs the scan data holds before it ends (or
/// all of them), and how many rows the frame has.
pub(super) fn complete_mcu_rows(frame: &Baseline<'_>) -> Result<(usize, usize)> {
    let (mcus_x, mcus_y) = mcus(frame);
    let complete = walk(frame, |_, _, _, _| {})?;
    Ok((complete / mcus_x, mcus_y))
}

/// MCUs across and down. A one-component scan is not interleaved: its MCU is one block.
fn mcus(frame: &Baseline<'_>) -> (usize, usize) {
    let (h_max, v_max) = frame.max_sampling();
    if frame.components.len() == 1 {
        (frame.width.div_ceil(8), frame.height.div_ceil(8))
    } else {
        (frame.width.div_ceil(8 * h_max), frame.height.div_ceil(8 * v_max))
    }
}

/// Huffman-decodes the scan MCU by MCU, handing each block's kept
/// coefficients to `block` (component index, block column and row in that
/// component); returns how many MCUs were decoded before the data ran out
/// (all of them when it did not). No MCU after the first that reads past
/// the end is decoded.
#[inline(always)]
fn walk(frame: &Baseline<'_>, mut block: impl FnMut(usize, usize, usize, &[i16; KEPT])) -> Result<usize> {
    let (mcus_x, mcus_y) = mcus(frame);
    let tables =
        frame.components.iter().map(|c| Ok((table(frame, c.dc)?, table(frame, c.ac)?))).collect::<Result<Vec<_>>>()?;
    let mut reader = BitReader::new(frame.scan);
    let mut predictors = [0i16; 3];
    let mut eob_run = 0u32;
    let mut until_restart = frame.restart_interval;
    let mut next_restart = 0u8;
    for mcu_y in 0..mcus_y {
        for mcu_x in 0..mcus_x {
            if frame.restart_interval > 0 {
                if until_restart == 0 {
                    reader = match reader.restart(next_restart) {
                        Err(Error::Truncated) => return Ok(mcu_y * mcus_x + mcu_x),
                        other => other?,
                    };
                    next_restart = (next_restart + 1) % 8;
                    until_restart = frame.restart_interval;
                    predictors = [0; 3];
                    eob_run = 0;
                }
                until_restart -= 1;
            }
            for (i, component) in frame.components.iter().enumerate() {
                let (dc_table, ac_table) = tables[i];
                for by in 0..component.v {
                    for bx in 0..component.h {
                        let mut coefficients = [0i16; KEPT];
                        predictors[i] = predictors[i].wrapping_add(dc_difference(&mut reader, dc_table)?);
                        coefficients[0] = predictors[i];
                        if eob_run > 0 {
                            eob_run -= 1;
                        } else {
                            eob_run = decode_ac(&mut reader, ac_table, &mut coefficients)?;
                        }
                        block(i, mcu_x * component.h + bx, mcu_y * component.v + by, &coefficients);
                    }
                }
            }
            if reader.overran() {
                return Ok(mcu_y * mcus_x + mcu_x);
            }
        }
    }
    Ok(mcus_x * mcus_y)
}

/// Huffman table `index` of the scan (parse checked that it is defined).
fn table<'f>(frame: &'f Baseline<'_>, index: usize) -> Result<&'f HuffmanTable> {
    frame.tables[index].as_ref().ok_or_else(|| Error::Internal("a scan table vanished".into()))
}

/// The difference of a block's DC coefficient from the previous block's.
#[inline(always)]
fn dc_difference(reader: &mut BitReader<'_>, table: &HuffmanTable) -> Result<i16> {
    let short = reader.shortcut(table);
    if short.bits != 0 {
        reader.consume(u32::from(short.bits));
        return Ok(short.value);
    }
    let size = reader.symbol(table)?;
    if size > 11 {
        return Err(Error::Corrupt("invalid DC difference size".into()));
    }
    Ok(extend(reader.take(u32::from(size)), u32::from(size)))
}

/// The AC coefficients of one block, keeping the first [`KEPT`] - 1; returns
/// the count of following blocks an end-of-band run says to skip.
#[inline(always)]
fn decode_ac(reader: &mut BitReader<'_>, table: &HuffmanTable, coefficients: &mut [i16; KEPT]) -> Result<u32> {
    let mut k = 1usize;
    while k < 64 {
        let short = reader.shortcut(table);
        let (run, value) = if short.bits != 0 {
            reader.consume(u32::from(short.bits));
            (usize::from(short.run), short.value)
        } else {
            let symbol = reader.symbol(table)?;
            let (run, size) = (usize::from(symbol >> 4), u32::from(symbol & 15));
            if size == 0 {
                if run == 15 {
                    k += 16;
                    continue;
                }
                // End of block; a longer end-of-band run only occurs in
                // progressive scans, but is honoured as jpeg-decoder does.
                return Ok((1 << run) - 1 + reader.take(run as u32));
            }
            (run, extend(reader.take(size), size))
        };
        k += run;
        if k >= 64 {
            break;
        }
        coefficients[k.min(KEPT - 1)] = value;
        k += 1;
    }
    Ok(0)
}

/// jpeg-decoder's 2x2 reduced IDCT: sums and differences of the four
/// lowest dequantised frequencies, level-shifted, divided by 8 and clamped.
#[inline(always)]
fn idct_2x2(c: &[i16; KEPT], q: &[i32; 4], out: &mut [u8], stride: usize) {
    // Zig-zag position and index into `q` (natural 0, 1, 8, 9) of each frequency.
    let s = |zigzag: usize, at: usize| i32::from(c[zigzag]).wrapping_mul(q[at]);
    let (s00, s01, s10, s11) = (s(0, 0), s(1, 1), s(2, 2), s(4, 3));
    let bias = 4 + (128 << 3);
    let (x0, x2) = (s00.wrapping_add(s10).wrapping_add(bias), s00.wrapping_sub(s10).wrapping_add(bias));
    let (x1, x3) = (s01.wrapping_add(s11), s01.wrapping_sub(s11));
    out[0] = clamp(x0.wrapping_add(x1) >> 3);
    out[1] = clamp(x0.wrapping_sub(x1) >> 3);
    out[stride] = clamp(x2.wrapping_add(x3) >> 3);
    out[stride + 1] = clamp(x2.wrapping_sub(x3) >> 3);
}

/// jpeg-decoder's 1x1 reduced IDCT: the dequantised DC, level-shifted, / 8.
#[inline(always)]
fn idct_1x1(dc: i16, q: i32) -> u8 {
    clamp(i32::from(dc).wrapping_mul(q).wrapping_add(128 * 8) / 8)
}

#[inline(always)]
fn clamp(x: i32) -> u8 {
    x.clamp(0, 255) as u8
}
