//! `prescreen hash` end to end: the built binary on generated files, its
//! digests checked against coreutils' md5sum/sha1sum/sha256sum (an independent
//! oracle), exit codes, JSON shape, error codes and output order.
#![cfg(all(not(target_arch = "wasm32"), feature = "cli"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A fresh scratch directory for one test, with fixtures copied in.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_hash").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies `tests/<from>` into `dir` and returns the new path.
fn copy(dir: &Path, from: &str) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(from);
    let target = dir.join(source.file_name().unwrap());
    std::fs::copy(&source, &target).unwrap();
    target
}

fn prescreen_hash(args: &[&str], files: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prescreen")).arg("hash").args(args).args(files).output().unwrap()
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// The hex digest coreutils' `tool` prints for `file`.
fn coreutils(tool: &str, file: &Path) -> String {
    let out = Command::new(tool).arg(file).output().unwrap();
    assert!(out.status.success(), "{tool} failed");
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

fn is_hex(value: &Value, digits: usize) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.len() == digits && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

#[test]
fn digests_match_coreutils_for_images_and_other_files() {
    let dir = scratch("digests");
    let files = vec![
        copy(&dir, "decode/rgb.png"),
        copy(&dir, "decode/rgb-orientation6.jpg"),
        copy(&dir, "bad/text.txt"),
        copy(&dir, "bad/empty.bin"),
        copy(&dir, "bad/random.bin"),
        copy(&dir, "bad/truncated.jpg"),
    ];
    let output = prescreen_hash(&["--json"], &files);
    let lines = json_lines(&output);
    assert_eq!(lines.len(), files.len());
    for (line, file) in lines.iter().zip(&files) {
        assert_eq!(line["path"], file.to_str().unwrap());
        assert_eq!(line["md5"], coreutils("md5sum", file), "{file:?}");
        assert_eq!(line["sha1"], coreutils("sha1sum", file), "{file:?}");
        assert_eq!(line["sha256"], coreutils("sha256sum", file), "{file:?}");
    }
}

#[test]
fn json_reports_image_fields_and_error_codes() {
    let dir = scratch("json");
    let files = vec![
        copy(&dir, "decode/rgb-orientation6.jpg"),
        copy(&dir, "decode/grey.pgm"),
        copy(&dir, "bad/text.txt"),
        copy(&dir, "bad/truncated-header.png"),
        copy(&dir, "bad/huge.png"),
        copy(&dir, "bad/empty.bin"),
        dir.join("does-not-exist.png"),
    ];
    let output = prescreen_hash(&["--json"], &files);
    assert_eq!(output.status.code(), Some(2));
    let lines = json_lines(&output);
    assert_eq!(lines.len(), files.len());

    let jpeg = &lines[0];
    assert!(jpeg.get("error").is_none(), "{jpeg}");
    assert!(is_hex(&jpeg["pdq"], 64), "{jpeg}");
    assert!(jpeg["quality"].as_u64().is_some_and(|q| q <= 100), "{jpeg}");
    assert_eq!((&jpeg["width"], &jpeg["height"]), (&Value::from(61), &Value::from(47)));
    assert_eq!(jpeg["orientation"], 6);
    assert_eq!(jpeg["format"], "jpeg");
    assert!(jpeg.get("pdq_dihedral").is_none());
    assert!(jpeg["damaged"].is_null(), "an intact file: {jpeg}");
    assert_eq!(lines[1]["format"], "pnm");
    assert_eq!(lines[1]["orientation"], 1);

    for (line, code) in lines[2..6].iter().zip(["unsupported-format", "truncated", "too-large", "empty"]) {
        assert_eq!(line["error"]["code"], code, "{line}");
        assert!(line["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{line}");
        assert!(line["pdq"].is_null() && line["width"].is_null(), "{line}");
        assert!(is_hex(&line["sha256"], 64), "digests are reported for any readable file: {line}");
    }
    assert!(lines[2]["format"].is_null(), "text is no image format");
    assert_eq!(lines[3]["format"], "png", "the sniffed format is reported even when decoding fails");
    let missing = &lines[6];
    assert_eq!(missing["error"]["code"], "io");
    assert!(missing["md5"].is_null());
}

#[test]
fn default_output_is_the_reference_format_and_errors_go_to_stderr() {
    let dir = scratch("default");
    let png = copy(&dir, "decode/rgb.png");
    let text = copy(&dir, "bad/text.txt");
    let gif = copy(&dir, "decode/palette.gif");

    let output = prescreen_hash(&[], &[png.clone(), gif.clone()]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    for (line, file) in lines.iter().zip([&png, &gif]) {
        let fields: Vec<&str> = line.splitn(3, ',').collect();
        assert!(is_hex(&Value::from(fields[0]), 64), "{line}");
        assert!(fields[1].parse::<u8>().is_ok_and(|q| q <= 100), "{line}");
        assert_eq!(fields[2], file.to_str().unwrap());
    }
    assert!(output.stderr.is_empty());

    let output = prescreen_hash(&[], &[text.clone(), png.clone()]);
    assert_eq!(output.status.code(), Some(2), "exit 2 after processing every file");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "only the image gets a line: {stdout}");
    assert!(stdout.ends_with(&format!(",{}\n", png.to_str().unwrap())));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(text.to_str().unwrap()) && stderr.contains("(unsupported-format)"), "{stderr}");
}

#[test]
fn dihedral_adds_eight_variants() {
    let dir = scratch("dihedral");
    let png = copy(&dir, "decode/rgb.png");
    let output = prescreen_hash(&["--json", "--dihedral"], std::slice::from_ref(&png));
    assert_eq!(output.status.code(), Some(0));
    let line = &json_lines(&output)[0];
    let variants = line["pdq_dihedral"].as_array().expect("pdq_dihedral array");
    assert_eq!(variants.len(), 8);
    assert!(variants.iter().all(|v| is_hex(v, 64)));
    assert_eq!(variants[0], line["pdq"], "the first variant is the original");

    let output = prescreen_hash(&["--dihedral"], std::slice::from_ref(&png));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let hashes: Vec<&str> = stdout.lines().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(hashes, variants.iter().map(|v| v.as_str().unwrap()).collect::<Vec<_>>());
}

#[test]
fn output_keeps_the_input_order() {
    let dir = scratch("order");
    let sources = ["decode/rgb.png", "decode/grey.jpg", "decode/lossy.webp", "bad/text.txt", "decode/rgb.bmp"];
    // 300 files (more than one batch of 256), named so that input order is neither sorted nor reversed.
    let files: Vec<PathBuf> = (0..300)
        .map(|i| {
            let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(sources[i % sources.len()]);
            let target =
                dir.join(format!("{:03}-{}", (i * 7919) % 1000, source.file_name().unwrap().to_str().unwrap()));
            std::fs::copy(&source, &target).unwrap();
            target
        })
        .collect();
    let output = prescreen_hash(&["--json"], &files);
    let paths: Vec<String> = json_lines(&output).iter().map(|l| l["path"].as_str().unwrap().to_owned()).collect();
    let expected: Vec<String> = files.iter().map(|f| f.to_str().unwrap().to_owned()).collect();
    assert_eq!(paths, expected);
}

#[test]
fn no_files_is_a_usage_error() {
    let output = prescreen_hash(&[], &[]);
    assert_eq!(output.status.code(), Some(2));
}

/// The oracle's answers (Meta's C++ core) for the conformance images, from
/// tests/conformance/expected.csv: name, lossless, width, height, pdq,
/// quality, the eight dihedral hashes (`;`-separated), ...
fn conformance_vectors() -> Vec<Vec<String>> {
    let csv = include_str!("conformance/expected.csv");
    csv.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn lossless_conformance_images_hash_as_the_oracle_says() {
    let vectors: Vec<Vec<String>> = conformance_vectors().into_iter().filter(|v| v[1] == "1").collect();
    assert!(vectors.len() >= 10, "expected.csv has lossless vectors");
    let images = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/images");
    let files: Vec<PathBuf> = vectors.iter().map(|v| images.join(&v[0])).collect();

    let output = prescreen_hash(&["--json", "--dihedral"], &files);
    assert_eq!(output.status.code(), Some(0));
    for (line, v) in json_lines(&output).iter().zip(&vectors) {
        assert_eq!(line["width"].to_string(), v[2], "{}", v[0]);
        assert_eq!(line["height"].to_string(), v[3], "{}", v[0]);
        assert_eq!(line["pdq"], v[4], "{}", v[0]);
        assert_eq!(line["quality"].to_string(), v[5], "{}", v[0]);
        let variants: Vec<&str> =
            line["pdq_dihedral"].as_array().unwrap().iter().map(|h| h.as_str().unwrap()).collect();
        assert_eq!(variants.join(";"), v[6], "{}", v[0]);
    }

    let output = prescreen_hash(&[], &files);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let expected: String =
        vectors.iter().zip(&files).map(|(v, f)| format!("{},{},{}\n", v[4], v[5], f.display())).collect();
    assert_eq!(stdout, expected, "the reference tool's format, line for line");
}

/// `--fast` decodes the large JPEGs at 1/4 scale: same declared sizes and
/// digests, `reduction` 4, PDQ within 2 bits of the default (exact) run.
#[test]
fn fast_flag_reduces_large_jpegs_only() {
    let dir = scratch("fast");
    let files = vec![
        copy(&dir, "conformance/images/coffee-12mp-4000x3000.jpg"),
        copy(&dir, "fast/astronaut-2400x2100.jpg"),
        copy(&dir, "conformance/images/hubble-1600x1004.jpg"),
        copy(&dir, "conformance/images/coffee.png"),
    ];
    let exact = prescreen_hash(&["--json"], &files);
    let fast = prescreen_hash(&["--json", "--fast"], &files);
    assert_eq!((exact.status.code(), fast.status.code()), (Some(0), Some(0)));
    let reductions: Vec<u64> = json_lines(&fast).iter().map(|l| l["reduction"].as_u64().unwrap()).collect();
    assert_eq!(reductions, [4, 4, 1, 1]);
    for (e, f) in json_lines(&exact).iter().zip(&json_lines(&fast)) {
        assert_eq!(e["reduction"], 1, "{e}");
        for key in ["path", "width", "height", "md5", "sha256", "format", "orientation"] {
            assert_eq!(e[key], f[key], "{key}: {e} vs {f}");
        }
        let hash = |line: &Value| prescreen::pdq::PdqHash::from_hex(line["pdq"].as_str().unwrap()).unwrap();
        assert!(hash(e).distance(&hash(f)) <= 2, "{e} vs {f}");
    }
    let plain = String::from_utf8(prescreen_hash(&["--fast"], &files).stdout).unwrap();
    assert_eq!(plain.lines().count(), files.len());
    assert!(plain.lines().all(|l| l.split(',').count() == 3 && l.len() > 64), "{plain}");
}
