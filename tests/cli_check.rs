//! `prescreen check` end to end: a filter built with `prescreen build` from
//! `prescreen hash` output, then files screened with the built binary:
//! verdicts, reasons, JSON shape, policy flag, exit codes.
#![cfg(all(not(target_arch = "wasm32"), feature = "cli"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/images");

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_check").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn prescreen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prescreen")).args(args).current_dir(dir).output().unwrap()
}

fn image(name: &str) -> String {
    format!("{IMAGES}/{name}")
}

/// Builds `filter.psf` in `dir` listing the astronaut's PDQ (from `prescreen hash`)
/// and the SHA-256 of `listed.txt` (from coreutils' sha256sum).
fn build_filter(dir: &Path) {
    let hashed = prescreen(&["hash", &image("astronaut.png")], dir);
    assert!(hashed.status.success());
    std::fs::write(dir.join("pdq.txt"), &hashed.stdout).unwrap();
    std::fs::write(dir.join("listed.txt"), "a listed document\n").unwrap();
    let sum = Command::new("sha256sum").arg("listed.txt").current_dir(dir).output().unwrap();
    let hex = String::from_utf8(sum.stdout).unwrap();
    std::fs::write(dir.join("sha256.txt"), hex.split_whitespace().next().unwrap()).unwrap();
    let built = prescreen(&["build", "-o", "filter.psf", "--pdq", "pdq.txt", "--sha256", "sha256.txt"], dir);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn verdicts_reasons_and_exit_codes() {
    let dir = scratch("verdicts");
    build_filter(&dir);
    std::fs::write(dir.join("other.txt"), "not listed\n").unwrap();
    let astronaut = image("astronaut.png");
    let chelsea = image("chelsea.png");
    let out = prescreen(&["check", "--json", "filter.psf", &astronaut, "listed.txt", &chelsea, "other.txt"], &dir);
    assert_eq!(out.status.code(), Some(1), "something matched");
    let lines = json_lines(&out);
    let verdicts: Vec<&str> = lines.iter().map(|l| l["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["flag", "block", "allow", "unscreenable"]);
    assert_eq!(lines[0]["reasons"][0]["kind"], "pdq");
    assert_eq!(lines[0]["reasons"][0]["turn"], "original");
    assert_eq!(
        (&lines[1]["reasons"][0]["kind"], &lines[1]["reasons"][0]["digest"]),
        (&"digest".into(), &"sha256".into())
    );
    assert_eq!(lines[3]["reasons"][0]["kind"], "not-decoded");
    assert_eq!(lines[3]["reasons"][0]["code"], "unsupported-format");
    assert_eq!(lines[2]["width"], 451);
    assert!(lines.iter().all(|l| l["hashes"]["sha256"].as_str().is_some_and(|h| h.len() == 64)));
}

#[test]
fn pdq_action_block_and_clean_exit() {
    let dir = scratch("policy");
    build_filter(&dir);
    let astronaut = image("astronaut.png");
    let out = prescreen(&["check", "--pdq-action", "block", "filter.psf", &astronaut], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("block "));

    let clean = prescreen(&["check", "filter.psf", &image("chelsea.png")], &dir);
    assert_eq!(clean.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&clean.stdout).starts_with("allow "));
}

#[test]
fn unreadable_file_and_bad_filter_exit_2() {
    let dir = scratch("errors");
    build_filter(&dir);
    let missing = prescreen(&["check", "--json", "filter.psf", "missing.png"], &dir);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(json_lines(&missing)[0]["error"]["code"], "io");

    std::fs::write(dir.join("bad.psf"), b"not a filter at all").unwrap();
    let bad = prescreen(&["check", "bad.psf", &image("chelsea.png")], &dir);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("filter-"), "{stderr}");
}

#[test]
fn extra_variants_and_queries_list() {
    let dir = scratch("queries");
    build_filter(&dir);
    let args = ["check", "--json", "--queries", "--extra-variants", "trim,resample,turned", "filter.psf"];
    // 511x511: under 512, so resampled as well; no uniform border to trim.
    let out = prescreen(&[&args[..], &[&image("astronaut-511.png")]].concat(), &dir);
    let line = &json_lines(&out)[0];
    let queries = line["queries"].as_array().unwrap();
    let prepared: Vec<&str> = queries.iter().map(|q| q["preparation"].as_str().unwrap()).collect();
    assert_eq!(prepared, [["as-is"; 8], ["resampled"; 8]].concat());
    assert_eq!(queries[0]["pdq"], line["hashes"]["pdq"]);
    assert_eq!(queries[0]["turn"], "original");
    let default = prescreen(&["check", "--json", "--queries", "filter.psf", &image("astronaut-511.png")], &dir);
    let queries = json_lines(&default)[0]["queries"].as_array().unwrap().clone();
    assert_eq!(
        (queries.len(), &queries[8]["preparation"], &queries[8]["turn"]),
        (9, &"resampled".into(), &"original".into())
    );
    let none =
        prescreen(&["check", "--json", "--extra-variants", "none", "filter.psf", &image("astronaut-511.png")], &dir);
    assert!(json_lines(&none)[0].get("queries").is_none());
    let text = prescreen(&["check", "--queries", "filter.psf", &image("astronaut.png")], &dir);
    assert_eq!(text.status.code(), Some(2), "--queries needs --json");
}

/// Damaged copies of listed images (tests/damaged/): decoded as a browser
/// shows them, reported with `damaged`, matched by PDQ; a copy that yields
/// no pixels is `unscreenable`, and `--unscreenable` decides its action and
/// the exit code (flag by default).
#[test]
fn damaged_copies_and_the_unscreenable_action() {
    let dir = scratch("damaged");
    let damaged = |name: &str| format!("{}/tests/damaged/{name}", env!("CARGO_MANIFEST_DIR"));
    let hashed = prescreen(&["hash", &damaged("listed.jpg"), &damaged("listed.png")], &dir);
    assert!(hashed.status.success());
    std::fs::write(dir.join("pdq.txt"), &hashed.stdout).unwrap();
    assert!(prescreen(&["build", "-o", "filter.psf", "--pdq", "pdq.txt"], &dir).status.success());

    let copies = ["jpeg-no-eoi.jpg", "jpeg-cut-1pct.jpg", "png-no-iend.png", "png-bad-crc.png"].map(damaged);
    let mut args = vec!["check", "--json", "--pdq-action", "block", "filter.psf"];
    args.extend(copies.iter().map(String::as_str));
    let out = prescreen(&args, &dir);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    let got: Vec<(&str, &str)> =
        lines.iter().map(|l| (l["action"].as_str().unwrap(), l["damaged"].as_str().unwrap())).collect();
    assert_eq!(
        got,
        [("block", "missing-end"), ("block", "truncated"), ("block", "missing-end"), ("block", "bad-checksum")]
    );
    assert!(lines.iter().all(|l| l["reasons"][0]["kind"] == "pdq"), "{lines:?}");

    let webp = damaged("webp-cut-10pct.webp");
    for (flag, action, code) in
        [(None, "flag", 1), (Some("allow"), "allow", 0), (Some("flag"), "flag", 1), (Some("block"), "block", 1)]
    {
        let mut args = vec!["check", "--json"];
        if let Some(flag) = flag {
            args.extend(["--unscreenable", flag]);
        }
        args.extend(["filter.psf", webp.as_str()]);
        let out = prescreen(&args, &dir);
        let line = &json_lines(&out)[0];
        assert_eq!(
            (line["verdict"].as_str(), line["action"].as_str()),
            (Some("unscreenable"), Some(action)),
            "{flag:?}"
        );
        assert_eq!(line["reasons"][0]["code"], "truncated");
        assert_eq!(out.status.code(), Some(code), "{flag:?}");
    }
}
