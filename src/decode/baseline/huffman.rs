//! Huffman tables (JPEG Annex C) and the entropy-coded bit stream.

use crate::decode::complete::ff_marks;
use crate::error::{Error, Result};

/// Bits looked up in one step; longer codes take the slow path.
const LOOKUP_BITS: u32 = 12;

/// A Huffman table ready for decoding.
pub(super) struct HuffmanTable {
    /// For every `LOOKUP_BITS`-bit prefix: `length << 8 | symbol` of the code
    /// it starts with, or 0 when the code is longer.
    lookup: [u16; 1 << LOOKUP_BITS],
    /// The whole coefficient (or DC difference) for prefixes whose code and
    /// extra bits fit in `LOOKUP_BITS` (see [`shortcut`]); zero otherwise.
    shortcut: [Shortcut; 1 << LOOKUP_BITS],
    /// The largest code of each length 1..=16 (index = length), -1 if none.
    max_code: [i32; 17],
    /// `index of the first symbol of that length - its first code`.
    offset: [i32; 17],
    symbols: Vec<u8>,
}

/// A run of zeros and the coefficient after it (or a DC difference), decoded in one lookup.
#[derive(Clone, Copy, Default)]
pub(super) struct Shortcut {
    /// The coefficient's value.
    pub(super) value: i16,
    /// Zeros before it.
    pub(super) run: u8,
    /// Code plus extra bits; 0 when this prefix has no shortcut.
    pub(super) bits: u8,
}

impl HuffmanTable {
    /// Builds a table from the DHT counts of codes per length (1..=16) and
    /// the symbols in code order (`ac`: an AC table); `None` if the counts
    /// over-subscribe the code space.
    pub(super) fn new(counts: &[u8; 16], symbols: &[u8], ac: bool) -> Option<HuffmanTable> {
        let mut table = HuffmanTable {
            lookup: [0; 1 << LOOKUP_BITS],
            shortcut: [Shortcut::default(); 1 << LOOKUP_BITS],
            max_code: [-1; 17],
            offset: [0; 17],
            symbols: symbols.to_vec(),
        };
        let mut code = 0u32;
        let mut index = 0usize;
        for length in 1..=16u32 {
            let count = u32::from(counts[length as usize - 1]);
            if code + count > 1 << length {
                return None;
            }
            if count > 0 {
                table.offset[length as usize] = index as i32 - code as i32;
                table.max_code[length as usize] = (code + count - 1) as i32;
            }
            for _ in 0..count {
                let symbol = *symbols.get(index)?;
                if length <= LOOKUP_BITS {
                    let shift = LOOKUP_BITS - length;
                    for low in 0..1u32 << shift {
                        let prefix = ((code << shift) | low) as usize;
                        table.lookup[prefix] = (length << 8) as u16 | u16::from(symbol);
                        table.shortcut[prefix] = shortcut(symbol, length, prefix as u32, ac);
                    }
                }
                code += 1;
                index += 1;
            }
            code <<= 1;
        }
        Some(table)
    }
}

/// The one-lookup decoding of `symbol` whose `length`-bit code starts
/// `prefix`, when its extra bits fit in the prefix too. A DC symbol is the
/// size of the difference that follows; an AC symbol is run << 4 | size, and
/// two sizeless ones are shortcuts too: end of block (a run past the block's
/// end) and sixteen zeros (a run of 15 before a zero).
fn shortcut(symbol: u8, length: u32, prefix: u32, ac: bool) -> Shortcut {
    let (run, size) = if ac { (symbol >> 4, u32::from(symbol & 15)) } else { (0, u32::from(symbol)) };
    if length + size > LOOKUP_BITS || size > 11 {
        return Shortcut::default();
    }
    let run = match (ac, symbol) {
        (true, 0x00) => END_OF_BLOCK,
        (true, 0xF0) => 15,
        (true, _) if size == 0 => return Shortcut::default(), // an end-of-band run
        _ => run,
    };
    let extra = (prefix >> (LOOKUP_BITS - length - size)) & ((1 << size) - 1);
    Shortcut { value: extend(extra, size), run, bits: (length + size) as u8 }
}

/// The run of an end-of-block shortcut: past any block's end.
const END_OF_BLOCK: u8 = 64;

/// The signed value of `size` extra bits `bits` (JPEG F.2.2.1, EXTEND).
#[inline(always)]
pub(super) fn extend(bits: u32, size: u32) -> i16 {
    if size == 0 {
        0
    } else if bits < 1 << (size - 1) {
        (bits as i32 - (1 << size) + 1) as i16
    } else {
        bits as i16
    }
}

/// The entropy-coded data of a scan, read most significant bit first, with
/// the 0xFF 0x00 stuffing removed. At a marker (or the end of the data) the
/// stream continues with zero bits, as libjpeg does; the marker is left for
/// [`BitReader::restart`].
///
/// The slow paths take and return the reader by value, and the rest is
/// inlined, so the decoding loop can keep its state in registers (wasm
/// locals) instead of memory: passing `&mut self` to an outlined function
/// made every symbol store and reload it.
#[derive(Clone, Copy)]
pub(super) struct BitReader<'a> {
    data: &'a [u8],
    /// The next byte to load.
    pos: usize,
    /// Loaded bits, left-aligned.
    bits: u64,
    /// How many of `bits` are valid.
    count: u32,
    /// Zero bits are being fed: a marker (at `pos`) or the end was reached.
    stopped: bool,
    /// How many zero bits have been fed since the end of the data (not a marker) was reached.
    padding: u64,
}

impl<'a> BitReader<'a> {
    /// A reader over the bytes that follow a scan header.
    pub(super) fn new(data: &'a [u8]) -> BitReader<'a> {
        BitReader::new_at(data, 0)
    }

    /// A reader from byte `pos` of `data`.
    fn new_at(data: &'a [u8], pos: usize) -> BitReader<'a> {
        BitReader { data, pos, bits: 0, count: 0, stopped: false, padding: 0 }
    }

    /// Loads bytes until at least 57 bits are held.
    #[inline(always)]
    fn refill(&mut self) {
        if let Some(word) = self.data.get(self.pos..self.pos + 8) {
            let word = u64::from_be_bytes([word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7]]);
            // No 0xFF byte among the eight: take whole bytes at once.
            if ff_marks(word) == 0 && !self.stopped {
                let take = (64 - self.count) / 8;
                self.bits |= (word & (!0u64 << (64 - 8 * take))) >> self.count;
                self.count += 8 * take;
                self.pos += take as usize;
                return;
            }
        }
        *self = self.refilled_slowly();
    }

    /// Byte by byte, handling stuffing, markers and the end of the data.
    #[inline(never)]
    fn refilled_slowly(mut self) -> Self {
        while self.count <= 56 {
            let mut byte = 0;
            if self.stopped && self.pos >= self.data.len() {
                self.padding += 8;
            } else if !self.stopped {
                match self.data.get(self.pos) {
                    Some(0xFF) if self.data.get(self.pos + 1) == Some(&0) => {
                        byte = 0xFF;
                        self.pos += 2;
                    }
                    Some(0xFF) => self.stopped = true,
                    None => {
                        self.stopped = true;
                        self.padding += 8;
                    }
                    Some(&b) => {
                        byte = b;
                        self.pos += 1;
                    }
                }
            }
            self.bits |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
        self
    }

    /// The next `n` (1..=16) bits without consuming them.
    #[inline(always)]
    pub(super) fn peek(&mut self, n: u32) -> u32 {
        if self.count < 32 {
            self.refill();
        }
        (self.bits >> (64 - n)) as u32
    }

    /// Drops `n` bits already peeked.
    #[inline(always)]
    pub(super) fn consume(&mut self, n: u32) {
        self.bits <<= n;
        self.count -= n;
    }

    /// Reads `n` (0..=16) bits as a number.
    #[inline(always)]
    pub(super) fn take(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        let value = self.peek(n);
        self.consume(n);
        value
    }

    /// Decodes one Huffman symbol.
    #[inline(always)]
    pub(super) fn symbol(&mut self, table: &HuffmanTable) -> Result<u8> {
        let prefix = self.peek(16);
        let entry = table.lookup[(prefix >> (16 - LOOKUP_BITS)) as usize];
        if entry != 0 {
            self.consume(u32::from(entry >> 8));
            return Ok(entry as u8);
        }
        let (symbol, length) = long_symbol(table, prefix).ok_or_else(bad_code)?;
        self.consume(length);
        Ok(symbol)
    }

    /// The shortcut for the bits at the front of the stream.
    #[inline(always)]
    pub(super) fn shortcut(&mut self, table: &HuffmanTable) -> Shortcut {
        table.shortcut[self.peek(LOOKUP_BITS) as usize]
    }

    /// At a restart interval's end: drops the bits left in the byte, expects
    /// marker RST`expected` next and resumes after it.
    pub(super) fn restart(self, expected: u8) -> Result<Self> {
        let mut pos = self.pos;
        while self.data.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        match self.data.get(pos) {
            Some(&marker) if marker == 0xD0 + expected && pos > self.pos => Ok(BitReader::new_at(self.data, pos + 1)),
            None => Err(Error::Truncated),
            Some(_) => Err(Error::Corrupt(format!("expected the RST{expected} marker"))),
        }
    }

    /// Whether bits past the end of the data (no marker ended it) have been
    /// consumed, not just loaded: the symbols read so far did not all arrive.
    #[inline(always)]
    pub(super) fn overran(&self) -> bool {
        u64::from(self.count) < self.padding
    }
}

/// Decodes a symbol whose code is longer than `LOOKUP_BITS`, from the next
/// 16 bits `prefix` (rare: one code in hundreds in photos): the symbol and
/// its code length, `None` for a code the table lacks.
#[cold]
#[inline(never)]
fn long_symbol(table: &HuffmanTable, prefix: u32) -> Option<(u8, u32)> {
    for length in LOOKUP_BITS + 1..=16 {
        let code = (prefix >> (16 - length)) as i32;
        if code <= table.max_code[length as usize] {
            let index = (code + table.offset[length as usize]) as usize;
            return table.symbols.get(index).map(|&symbol| (symbol, length));
        }
    }
    None
}

fn bad_code() -> Error {
    Error::Corrupt("invalid Huffman code".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn extend_follows_the_standard() {
        // F.2.2.1: size 3 codes -7..=-4 as 0..=3 and 4..=7 as themselves.
        assert_eq!((0..8).map(|b| extend(b, 3)).collect::<Vec<_>>(), [-7, -6, -5, -4, 4, 5, 6, 7]);
        assert_eq!((extend(0, 1), extend(1, 1), extend(0, 0)), (-1, 1, 0));
        assert_eq!((extend(0, 15), extend(0x7FFF, 15)), (-32767, 32767));
    }

    #[test]
    fn stuffing_and_markers() {
        // 0xFF 0x00 is one 0xFF byte; a marker ends the data with zero bits.
        let data = [0xA5, 0xFF, 0x00, 0x3C, 0xFF, 0xD0, 0x12];
        let mut reader = BitReader::new(&data);
        assert_eq!((reader.take(8), reader.take(8), reader.take(8), reader.take(16)), (0xA5, 0xFF, 0x3C, 0));
        assert!(!reader.overran()); // zero bits before a marker are not past the end
        let mut reader = reader.restart(0).unwrap();
        assert_eq!(reader.take(8), 0x12);
        assert!(!reader.overran()); // loaded past the end, not yet read past it
        assert_eq!(reader.take(8), 0); // past the end: zero bits, and noted
        assert!(reader.overran());
        assert!(matches!(BitReader::new(&[0x00, 0xFF, 0xD1]).restart(0), Err(Error::Corrupt(_))));
        assert!(matches!(BitReader::new(&[0xFF, 0xFF]).restart(0), Err(Error::Truncated)));
    }

    #[test]
    fn codes_of_every_length_decode() {
        // One code of each length 1..=15, and two of length 16: a complete code.
        let mut counts = [1u8; 16];
        counts[15] = 2;
        let symbols: Vec<u8> = (0..17).map(|s| s * 7).collect();
        let table = HuffmanTable::new(&counts, &symbols, false).unwrap();
        // Code of length L: L-1 ones then a zero (the last two: sixteen bits).
        let mut bits = String::new();
        for length in 1..=15 {
            bits += &"1".repeat(length - 1);
            bits.push('0');
        }
        bits += "1111111111111110";
        bits += "1111111111111111";
        while bits.len() % 8 != 0 {
            bits.push('1');
        }
        let bytes: Vec<u8> = bits
            .as_bytes()
            .chunks(8)
            .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 2).unwrap())
            .collect();
        // Stuff each 0xFF as the encoder would.
        let stuffed: Vec<u8> = bytes.iter().flat_map(|&b| if b == 0xFF { vec![0xFF, 0] } else { vec![b] }).collect();
        let mut reader = BitReader::new(&stuffed);
        let got: Vec<u8> = (0..17).map(|_| reader.symbol(&table).unwrap()).collect();
        assert_eq!(got, symbols);
        assert!(HuffmanTable::new(&[3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], &[1, 2, 3], false).is_none());
    }
}
