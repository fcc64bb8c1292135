//! `prescreen build / query / inspect / keygen` end to end: the built binary
//! on generated lists, exit codes (0 fine, 1 matched, 2 usage or input
//! error with one line on stderr), malformed input, signatures, JSON shape.
#![cfg(all(not(target_arch = "wasm32"), feature = "cli"))]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const PDQ_A: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
const PDQ_B: &str = "0a8f2b5e10c4d96e7a11f0c3b2a9d8e7f6051423344556677889900aabbccdde";
const MD5_A: &str = "d41d8cd98f00b204e9800998ecf8427e";

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_filter").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn prescreen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prescreen")).args(args).current_dir(dir).output().unwrap()
}

fn prescreen_stdin(args: &[&str], dir: &Path, input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_prescreen"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Flips the lowest bit of each of the first `bits` hex digits: a hash `bits` bits away.
fn flip_bits(hex: &str, bits: usize) -> String {
    let mut digits: Vec<u8> = hex.bytes().collect();
    for d in digits.iter_mut().take(bits) {
        let v = u8::from_str_radix(std::str::from_utf8(&[*d]).unwrap(), 16).unwrap() ^ 1;
        *d = b"0123456789abcdef"[usize::from(v)];
    }
    String::from_utf8(digits).unwrap()
}

fn write_lists(dir: &Path) {
    std::fs::write(
        dir.join("pdq.txt"),
        format!("# a PDQ list\n\n{PDQ_A},100,photo.jpg\n{PDQ_A},90\n{}\n", PDQ_A.replace('f', "e")),
    )
    .unwrap();
    std::fs::write(dir.join("md5.txt"), format!("{MD5_A}  empty-file\n")).unwrap();
}

#[test]
fn build_query_inspect_round_trip() {
    let dir = scratch("round_trip");
    write_lists(&dir);
    let out = prescreen(
        &[
            "build",
            "-o",
            "f.psf",
            "--pdq",
            "pdq.txt",
            "--md5",
            "md5.txt",
            "--label",
            "test list",
            "--salt",
            "0f0e0d0c0b0a09080706050403020100",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(summary.contains("pdq: 2 listed (1 duplicates)"), "{summary}");
    assert!(summary.contains("radius 8, "), "{summary}");

    // A listed hash, and one 5 bits away, match (exit 1); an unrelated one does not (exit 0).
    let near = flip_bits(PDQ_A, 5);
    let out = prescreen(&["query", "--json", "f.psf", "--pdq", &near, "--md5", MD5_A], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["kind"], "pdq");
    assert_eq!(lines[0]["hash"], near);
    assert_eq!(lines[0]["match"], true);
    assert_eq!(lines[1]["match"], true);
    let out = prescreen(&["query", "f.psf", "--pdq", PDQ_B], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out).trim(), format!("pdq {PDQ_B} no-match"));

    // Queries from stdin.
    let out = prescreen_stdin(&["query", "--json", "f.psf"], &dir, &format!("# comment\npdq {PDQ_B}\nMD5 {MD5_A}\n"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().count(), 2);

    let out = prescreen(&["inspect", "--json", "f.psf"], &dir);
    assert_eq!(out.status.code(), Some(0));
    let info: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(info["version"], 2);
    assert_eq!(info["label"], "test list");
    assert_eq!(info["signature"]["status"], "unsigned");
    assert_eq!(info["size_bytes"], std::fs::metadata(dir.join("f.psf")).unwrap().len());
    assert_eq!(info["sections"][0]["kind"], "md5");
    assert_eq!(info["sections"][1]["kind"], "pdq");
    assert_eq!(info["sections"][1]["radius"], 8);
    assert_eq!(info["sections"][1]["dihedral"], true);
    // The chunk table: widths cover the 256 bits, the radii keep the
    // pigeonhole guarantee, and the probe count (in the summary too) is
    // 8 x sum of |Ball(w_i, s_i)|, recomputed here from binomials.
    let pdq = &info["sections"][1];
    let widths: Vec<u64> = pdq["chunk_widths"].as_array().unwrap().iter().map(|w| w.as_u64().unwrap()).collect();
    let radii: Vec<u64> = pdq["chunk_radii"].as_array().unwrap().iter().map(|s| s.as_u64().unwrap()).collect();
    assert_eq!(widths.len() as u64, pdq["chunks"].as_u64().unwrap());
    assert_eq!(widths.iter().sum::<u64>(), 256);
    assert!(radii.iter().map(|s| s + 1).sum::<u64>() >= 9, "{radii:?}");
    let binomial = |n: u64, k: u64| (0..k).fold(1u64, |c, i| c * (n - i) / (i + 1));
    let probes: u64 =
        8 * widths.iter().zip(&radii).map(|(&w, &s)| (0..=s).map(|k| binomial(w, k)).sum::<u64>()).sum::<u64>();
    assert_eq!(pdq["probes_per_query"], probes);
    assert!(summary.contains(&format!("{probes} probes per query")), "{summary}");
    assert!(info["expected_false_match_rate"].as_f64().unwrap() <= 1e-6);
}

#[test]
fn malformed_lines_are_reported_with_file_and_line() {
    let dir = scratch("malformed");
    std::fs::write(dir.join("pdq.txt"), format!("{PDQ_A}\nnot-a-hash\n{}\n", &PDQ_B[..60])).unwrap();
    let out = prescreen(&["build", "-o", "f.psf", "--pdq", "pdq.txt"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("pdq.txt:2:") && err.contains("1 more"), "{err}");
    assert!(!dir.join("f.psf").exists());
    let out = prescreen(&["build", "-o", "f.psf", "--pdq", "pdq.txt", "--skip-invalid"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("skipped"));
    assert!(stdout(&out).contains("pdq: 1 listed"));

    for bad in [
        vec!["build", "-o", "g.psf"],
        vec!["build", "-o", "g.psf", "--pdq", "missing.txt"],
        vec!["build", "-o", "g.psf", "--pdq", "pdq.txt", "--radius", "40"],
        vec!["query", "f.psf", "--md5", "abc"],
        vec!["query", "missing.psf", "--md5", MD5_A],
    ] {
        let out = prescreen(&bad, &dir);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
    let out = prescreen_stdin(&["query", "f.psf"], &dir, "pdq\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("stdin:1"));
}

#[test]
fn keygen_sign_and_pin() {
    let dir = scratch("keygen");
    write_lists(&dir);
    let out = prescreen(&["keygen", "-o", "owner.key"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let public = stdout(&out).trim().to_owned();
    assert_eq!(public.len(), 64);
    let mode = std::fs::metadata(dir.join("owner.key")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(dir.join("owner.key.pub")).unwrap().trim(), public);
    assert_eq!(prescreen(&["keygen", "-o", "owner.key"], &dir).status.code(), Some(2), "never overwrites");
    assert_eq!(prescreen(&["keygen", "-o", "other.key"], &dir).status.code(), Some(0));

    let out = prescreen(&["build", "-o", "f.psf", "--md5", "md5.txt", "--sign-key", "owner.key"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("signed by {public}")));
    for key in [public.as_str(), "owner.key.pub"] {
        let out = prescreen(&["inspect", "--json", "--public-key", key, "f.psf"], &dir);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let info: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(info["signature"]["status"], "verified-pinned");
        assert_eq!(info["signature"]["public_key"], public);
    }
    let out = prescreen(&["query", "--public-key", "other.key.pub", "f.psf", "--md5", MD5_A], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("filter-signature"), "{}", stderr(&out));

    // An unsigned filter with a pinned key, and a corrupted file.
    assert_eq!(prescreen(&["build", "-o", "u.psf", "--md5", "md5.txt"], &dir).status.code(), Some(0));
    let out = prescreen(&["inspect", "--public-key", &public, "u.psf"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("filter-signature"));
    let mut bytes = std::fs::read(dir.join("u.psf")).unwrap();
    bytes[70] ^= 1;
    std::fs::write(dir.join("bad.psf"), &bytes).unwrap();
    let out = prescreen(&["inspect", "bad.psf"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("filter-checksum"), "{}", stderr(&out));
}

#[test]
fn expired_filters_are_reported() {
    let dir = scratch("expired");
    write_lists(&dir);
    let args = ["build", "-o", "f.psf", "--md5", "md5.txt", "--created", "1000000", "--expires", "1"];
    assert_eq!(prescreen(&args, &dir).status.code(), Some(0));
    let out = prescreen(&["inspect", "--json", "f.psf"], &dir);
    let info: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(info["expires"], 1_000_000 + 86_400);
    assert_eq!(info["expired"], true);
    assert!(stderr(&out).contains("filter-expired"));
    let out = prescreen(&["query", "f.psf", "--md5", MD5_A], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("filter-expired"));
}
