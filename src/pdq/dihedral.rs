//! The eight rotations and mirrors (the dihedral group of the square), and
//! the reference's rules for deriving their hashes from one DCT.

/// The eight rotations and mirrors, in the reference's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dihedral {
    /// The image as it is.
    Original,
    /// Rotated 90 degrees counter-clockwise.
    Rotate90,
    /// Rotated 180 degrees.
    Rotate180,
    /// Rotated 270 degrees counter-clockwise (90 clockwise).
    Rotate270,
    /// Mirrored top-bottom.
    FlipX,
    /// Mirrored left-right.
    FlipY,
    /// Transposed (mirrored about the main diagonal).
    FlipPlus1,
    /// Anti-transposed (mirrored about the other diagonal).
    FlipMinus1,
}

impl Dihedral {
    /// All eight, in the reference's order (the order of `--dihedral` output).
    pub const ALL: [Dihedral; 8] = [
        Dihedral::Original,
        Dihedral::Rotate90,
        Dihedral::Rotate180,
        Dihedral::Rotate270,
        Dihedral::FlipX,
        Dihedral::FlipY,
        Dihedral::FlipPlus1,
        Dihedral::FlipMinus1,
    ];

    /// The reference's name: `original`, `rotate90`, ..., `flipMinus1`.
    pub fn name(self) -> &'static str {
        match self {
            Dihedral::Original => "original",
            Dihedral::Rotate90 => "rotate90",
            Dihedral::Rotate180 => "rotate180",
            Dihedral::Rotate270 => "rotate270",
            Dihedral::FlipX => "flipX",
            Dihedral::FlipY => "flipY",
            Dihedral::FlipPlus1 => "flipPlus1",
            Dihedral::FlipMinus1 => "flipMinus1",
        }
    }

    /// Whether this turn swaps width and height.
    pub fn transposes(self) -> bool {
        matches!(self, Dihedral::Rotate90 | Dihedral::Rotate270 | Dihedral::FlipPlus1 | Dihedral::FlipMinus1)
    }

    /// Where pixel (`x`, `y`) of the turned image comes from in a `width` x
    /// `height` source: returns the source (`x`, `y`). `x` and `y` must lie
    /// inside the turned image (whose sides are swapped when [`Self::transposes`]).
    pub fn source_of(self, x: usize, y: usize, width: usize, height: usize) -> (usize, usize) {
        match self {
            Dihedral::Original => (x, y),
            Dihedral::Rotate90 => (width - 1 - y, x),
            Dihedral::Rotate180 => (width - 1 - x, height - 1 - y),
            Dihedral::Rotate270 => (y, height - 1 - x),
            Dihedral::FlipX => (x, height - 1 - y),
            Dihedral::FlipY => (width - 1 - x, y),
            Dihedral::FlipPlus1 => (y, x),
            Dihedral::FlipMinus1 => (width - 1 - y, height - 1 - x),
        }
    }

    /// The reference's rule: this variant's 16x16 DCT (row-major) from the
    /// original's, by transposing and negating coefficients.
    pub(crate) fn derive_dct(self, a: &[f32; 256]) -> [f32; 256] {
        let mut b = [0f32; 256];
        for i in 0..16 {
            for j in 0..16 {
                let x = a[i * 16 + j];
                let odd = |n: usize| n & 1 == 1;
                let (at, value) = match self {
                    Dihedral::Original => (i * 16 + j, x),
                    Dihedral::Rotate90 => (j * 16 + i, if odd(j) { x } else { -x }),
                    Dihedral::Rotate180 => (i * 16 + j, if odd(i + j) { -x } else { x }),
                    Dihedral::Rotate270 => (j * 16 + i, if odd(i) { x } else { -x }),
                    Dihedral::FlipX => (i * 16 + j, if odd(i) { x } else { -x }),
                    Dihedral::FlipY => (i * 16 + j, if odd(j) { x } else { -x }),
                    Dihedral::FlipPlus1 => (j * 16 + i, x),
                    Dihedral::FlipMinus1 => (j * 16 + i, if odd(i + j) { -x } else { x }),
                };
                b[at] = value;
            }
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Turns a small labelled grid by `source_of`.
    fn turn(grid: &[Vec<u32>], d: Dihedral) -> Vec<Vec<u32>> {
        let (h, w) = (grid.len(), grid[0].len());
        let (tw, th) = if d.transposes() { (h, w) } else { (w, h) };
        (0..th)
            .map(|y| {
                (0..tw)
                    .map(|x| {
                        let (sx, sy) = d.source_of(x, y, w, h);
                        grid[sy][sx]
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn turns_match_their_names() {
        // 1 2 3
        // 4 5 6
        let g = vec![vec![1, 2, 3], vec![4, 5, 6]];
        let rows = |d| turn(&g, d);
        assert_eq!(rows(Dihedral::Original), g);
        assert_eq!(rows(Dihedral::Rotate90), vec![vec![3, 6], vec![2, 5], vec![1, 4]]);
        assert_eq!(rows(Dihedral::Rotate180), vec![vec![6, 5, 4], vec![3, 2, 1]]);
        assert_eq!(rows(Dihedral::Rotate270), vec![vec![4, 1], vec![5, 2], vec![6, 3]]);
        assert_eq!(rows(Dihedral::FlipX), vec![vec![4, 5, 6], vec![1, 2, 3]]);
        assert_eq!(rows(Dihedral::FlipY), vec![vec![3, 2, 1], vec![6, 5, 4]]);
        assert_eq!(rows(Dihedral::FlipPlus1), vec![vec![1, 4], vec![2, 5], vec![3, 6]]);
        assert_eq!(rows(Dihedral::FlipMinus1), vec![vec![6, 3], vec![5, 2], vec![4, 1]]);
    }

    #[test]
    fn derived_dct_of_original_is_identity_and_names_are_distinct() {
        let a: [f32; 256] = std::array::from_fn(|k| k as f32 - 100.0);
        assert_eq!(Dihedral::Original.derive_dct(&a), a);
        // Rotating by 90 four times (derived rule) gives back the original.
        let mut b = a;
        for _ in 0..4 {
            b = Dihedral::Rotate90.derive_dct(&b);
        }
        assert_eq!(b, a);
        let names: std::collections::HashSet<_> = Dihedral::ALL.iter().map(|d| d.name()).collect();
        assert_eq!(names.len(), 8);
    }
}
