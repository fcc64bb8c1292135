//! The marker segments in front of the first scan: the frame, the tables,
//! the restart interval and the scan header (JPEG Annex B).
//!
//! jpeg-decoder has already read and validated these headers when this runs,
//! so anything this fast path does not handle (or finds odd) is answered
//! with `None`, and jpeg-decoder decodes the file.

use super::huffman::HuffmanTable;

/// The natural (row-major) index of each zig-zag position.
pub(super) const ZIGZAG: [u8; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
    28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54,
    47, 55, 62, 63,
];

/// One colour component of the frame, with the tables its scan uses.
pub(super) struct Component {
    /// Horizontal and vertical sampling factors (1 or 2 here).
    pub(super) h: usize,
    pub(super) v: usize,
    /// The quantisation table, natural order.
    pub(super) quant: [u16; 64],
    pub(super) dc: usize,
    pub(super) ac: usize,
}

/// A component as the frame header declares it.
struct Declared {
    id: u8,
    h: usize,
    v: usize,
    quant: usize,
}

/// The frame header: sizes and components.
struct Frame {
    width: usize,
    height: usize,
    components: Vec<Declared>,
}

/// What decoding the (single, interleaved) scan needs.
pub(super) struct Baseline<'a> {
    pub(super) width: usize,
    pub(super) height: usize,
    pub(super) components: Vec<Component>,
    /// DC tables 0..4, then AC tables 0..4.
    pub(super) tables: Vec<Option<HuffmanTable>>,
    /// MCUs per restart interval; 0 for none.
    pub(super) restart_interval: usize,
    /// The entropy-coded data and everything after it.
    pub(super) scan: &'a [u8],
}

impl Baseline<'_> {
    /// The largest horizontal and vertical sampling factors (the luma's).
    pub(super) fn max_sampling(&self) -> (usize, usize) {
        self.components.iter().fold((1, 1), |(h, v), c| (h.max(c.h), v.max(c.v)))
    }
}

/// Parses the headers of an 8-bit, Huffman-coded, sequential JPEG whose one
/// scan holds every component, grey or YCbCr with chroma at 1x1 and luma at
/// 1x1, 2x1, 1x2 or 2x2; `None` for anything else.
pub(super) fn parse(bytes: &[u8]) -> Option<Baseline<'_>> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut pos = 2;
    let mut frame: Option<Frame> = None;
    let mut quant: [Option<[u16; 64]>; 4] = [None; 4];
    let mut tables: Vec<Option<HuffmanTable>> = (0..8).map(|_| None).collect();
    let mut restart_interval = 0;
    let (mut jfif, mut adobe) = (false, false);
    loop {
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        while *bytes.get(pos)? == 0xFF {
            pos += 1;
        }
        let marker = *bytes.get(pos)?;
        let length = usize::from(u16::from_be_bytes([*bytes.get(pos + 1)?, *bytes.get(pos + 2)?]));
        let body = bytes.get(pos + 3..pos + 1 + length)?;
        pos += 1 + length;
        match marker {
            // A second frame header: the caller checked the first against
            // the limits (jpeg-decoder's reading), so it is left to jpeg-decoder.
            0xC0 | 0xC1 if frame.is_some() => return None,
            0xC0 | 0xC1 => frame = Some(parse_frame(body)?),
            0xC4 => parse_huffman(body, &mut tables)?,
            0xDB => parse_quant(body, &mut quant)?,
            0xDD => restart_interval = usize::from(u16::from_be_bytes([*body.first()?, *body.get(1)?])),
            0xE0 => jfif |= body.starts_with(b"JFIF\0"),
            0xEE => adobe |= body.starts_with(b"Adobe"),
            0xDA => {
                let Frame { width, height, components: declared } = frame?;
                let components = parse_scan(body, &declared, &quant, &tables)?;
                if let [y, cb, cr] = declared.as_slice() {
                    if !is_ycbcr([y.id, cb.id, cr.id], jfif, adobe) {
                        return None;
                    }
                }
                return Some(Baseline { width, height, components, tables, restart_interval, scan: &bytes[pos..] });
            }
            // Other SOFs (progressive, arithmetic, lossless, hierarchical),
            // markers without a length where a segment belongs, DNL: left to jpeg-decoder.
            0xC2..=0xCF | 0xD0..=0xD9 | 0xDC | 0xDE | 0xDF | 0x01 => return None,
            _ => {} // APPn, COM and the rest carry nothing decoding needs.
        }
    }
}

/// Whether jpeg-decoder reads three components with these identifiers as
/// YCbCr (its rules, from the JFIF marker, the Adobe marker and the ids);
/// the other cases are left to it.
fn is_ycbcr(ids: [u8; 3], jfif: bool, adobe: bool) -> bool {
    match ids {
        [1, 2, 3] => true,
        [82, 71, 66] | [114, 103, 98] | [1, 34, 35] => false,
        _ => jfif || !adobe,
    }
}

/// SOF0/SOF1: sizes and components.
fn parse_frame(body: &[u8]) -> Option<Frame> {
    let (&precision, rest) = body.split_first()?;
    let height = usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?]));
    let width = usize::from(u16::from_be_bytes([*rest.get(2)?, *rest.get(3)?]));
    let count = usize::from(*rest.get(4)?);
    if precision != 8 || width == 0 || height == 0 || !(count == 1 || count == 3) {
        return None;
    }
    let components: Vec<Declared> = rest
        .get(5..5 + 3 * count)?
        .chunks_exact(3)
        .map(|c| Declared { id: c[0], h: usize::from(c[1] >> 4), v: usize::from(c[1] & 15), quant: usize::from(c[2]) })
        .collect();
    let sampling_ok = match components.as_slice() {
        [grey] => (grey.h, grey.v) == (1, 1),
        [y, cb, cr] => {
            (1..=2).contains(&y.h) && (1..=2).contains(&y.v) && [cb, cr].iter().all(|c| (c.h, c.v) == (1, 1))
        }
        _ => false,
    };
    (sampling_ok && components.iter().all(|c| c.quant < 4)).then_some(Frame { width, height, components })
}

/// DHT: one or more tables.
fn parse_huffman(mut body: &[u8], tables: &mut [Option<HuffmanTable>]) -> Option<()> {
    while let Some((&class_id, rest)) = body.split_first() {
        let (class, id) = (usize::from(class_id >> 4), usize::from(class_id & 15));
        let counts: [u8; 16] = rest.get(..16)?.try_into().ok()?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let symbols = rest.get(16..16 + total)?;
        if class > 1 || id > 3 {
            return None;
        }
        tables[class * 4 + id] = Some(HuffmanTable::new(&counts, symbols, class == 1)?);
        body = &rest[16 + total..];
    }
    Some(())
}

/// DQT: one or more tables, 8- or 16-bit entries, stored in zig-zag order.
fn parse_quant(mut body: &[u8], quant: &mut [Option<[u16; 64]>; 4]) -> Option<()> {
    while let Some((&precision_id, rest)) = body.split_first() {
        let (wide, id) = (precision_id >> 4, usize::from(precision_id & 15));
        let size = if wide == 1 { 128 } else { 64 };
        let entries = rest.get(..size)?;
        if wide > 1 || id > 3 {
            return None;
        }
        let mut table = [0u16; 64];
        for (k, &natural) in ZIGZAG.iter().enumerate() {
            table[usize::from(natural)] = if wide == 1 {
                u16::from_be_bytes([entries[2 * k], entries[2 * k + 1]])
            } else {
                u16::from(entries[k])
            };
        }
        if table.contains(&0) {
            return None;
        }
        quant[id] = Some(table);
        body = &rest[size..];
    }
    Some(())
}

/// SOS: the scan must hold every component, in frame order, sequentially
/// (spectral selection 0..=63, no successive approximation), with its tables defined.
fn parse_scan(
    body: &[u8],
    declared: &[Declared],
    quant: &[Option<[u16; 64]>; 4],
    tables: &[Option<HuffmanTable>],
) -> Option<Vec<Component>> {
    let count = usize::from(*body.first()?);
    let selectors = body.get(1..1 + 2 * count)?;
    let tail = body.get(1 + 2 * count..4 + 2 * count)?;
    if count != declared.len() || tail != [0, 63, 0] {
        return None;
    }
    declared
        .iter()
        .zip(selectors.chunks_exact(2))
        .map(|(c, selector)| {
            let (dc, ac) = (usize::from(selector[1] >> 4), 4 + usize::from(selector[1] & 15));
            let defined = selector[0] == c.id && dc < 4 && ac < 8 && tables[dc].is_some() && tables[ac].is_some();
            defined.then_some(Component { h: c.h, v: c.v, quant: quant[c.quant]?, dc, ac })
        })
        .collect()
}
