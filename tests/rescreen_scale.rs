//! `prescreen rescreen` on a large store: synthetic records (random
//! digests, eight random PDQ queries each) written straight into a store's
//! database, a filter listing some of them, and every listed one reported.
//! `make test` runs it on 5,000 records; the 1M-record measurement in
//! docs/BENCHMARKS.md is `RESCREEN_RECORDS=1000000
//! RESCREEN_BIN=target/release/prescreen cargo test --test rescreen_scale
//! -- --nocapture` (the re-screening itself by the release binary).
#![cfg(all(not(target_arch = "wasm32"), feature = "cli"))]

#[path = "support/server.rs"]
mod server;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use server::{prescreen, scratch, Server};

/// One random PDQ query as the store encodes it, in hex: the turn's index, then 32 bytes.
fn query_sql(turn: u8) -> String {
    format!("'{turn:02x}' || hex(randomblob(32))")
}

/// A store under `dir` with `records` synthetic records, and a filter
/// `new.psf` there listing some of them: the store's folder, the filter and
/// the ids of the records it lists.
fn synthetic_store(dir: &Path, records: u64) -> (PathBuf, PathBuf, BTreeSet<i64>) {
    let data = dir.join("data");
    drop(Server::start(&data, &[])); // creates the store and its schema

    let db = rusqlite::Connection::open(data.join("uploads.sqlite")).unwrap();
    let queries: Vec<String> = (0..8).map(query_sql).collect();
    let started = Instant::now();
    db.execute_batch(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {records})
         INSERT INTO uploads (name, size, time, md5, sha1, sha256, pdq, quality, queries, perceptual, verdict, reasons)
         SELECT 'synthetic-' || i, 1000 + i, 1700000000 + i, lower(hex(randomblob(16))), lower(hex(randomblob(20))),
                lower(hex(randomblob(32))), lower(hex(randomblob(32))), 90, unhex({}), 1, 'allow', '[]' FROM n;
         COMMIT;",
        queries.join(" || ")
    ))
    .unwrap();
    eprintln!("{records} synthetic records written in {:.1} s", started.elapsed().as_secs_f64());

    // List the SHA-256 of every 997th record and the sixth PDQ query (a turn) of every 991st.
    let mut listed = BTreeSet::new();
    let mut sha256 = String::new();
    let mut pdq = String::new();
    let mut select = db.prepare("SELECT id, sha256, queries FROM uploads WHERE id % 997 = 0 OR id % 991 = 0").unwrap();
    let rows = select
        .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, Vec<u8>>(2)?)))
        .unwrap();
    for row in rows {
        let (id, digest, queries) = row.unwrap();
        if id % 997 == 0 {
            sha256 += &format!("{digest}\n");
        } else {
            let hash: String = queries[5 * 33 + 1..6 * 33].iter().map(|b| format!("{b:02x}")).collect();
            pdq += &format!("{hash}\n");
        }
        listed.insert(id);
    }
    std::fs::write(dir.join("sha256.txt"), sha256).unwrap();
    std::fs::write(dir.join("pdq.txt"), pdq).unwrap();
    let filter = dir.join("new.psf");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let built =
        prescreen(&["build", "-o", &path("new.psf"), "--sha256", &path("sha256.txt"), "--pdq", &path("pdq.txt")]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));

    (data, filter, listed)
}

#[test]
fn rescreen_reports_every_listed_record_of_a_large_store() {
    let records: u64 = std::env::var("RESCREEN_RECORDS").ok().and_then(|n| n.parse().ok()).unwrap_or(5_000);
    let dir = scratch("rescreen-scale");
    let (data, filter, listed) = synthetic_store(&dir, records);

    let bin = std::env::var("RESCREEN_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_prescreen").to_string());
    let rescreen = |args: &[&str]| std::process::Command::new(&bin).args(args).output().unwrap();
    let started = Instant::now();
    let out = rescreen(&["rescreen", "--data", data.to_str().unwrap(), "--filter", filter.to_str().unwrap()]);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let reported: BTreeSet<i64> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').nth(2).unwrap().parse().unwrap())
        .collect();
    eprintln!(
        "rescreen of {records} records: {:.2} s; {} listed, {} reported",
        elapsed.as_secs_f64(),
        listed.len(),
        reported.len()
    );
    let missed: Vec<_> = listed.difference(&reported).collect();
    assert!(missed.is_empty(), "listed records not reported: {missed:?}");
    // Random hashes match only by the filter's false-match rate (1e-6 per file by default).
    assert!(reported.len() - listed.len() <= 2, "{} unlisted records reported", reported.len() - listed.len());

    // A second pass under the same filter has nothing left to test.
    let again = rescreen(&["rescreen", "--data", data.to_str().unwrap(), "--filter", filter.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stderr).contains(&format!("0 of {records} records tested")));
}

#[test]
fn server_answers_while_it_rescreens_its_store() {
    let records = 10_000;
    let dir = scratch("rescreen-serve");
    let (data, filter, listed) = synthetic_store(&dir, records);
    let server = Server::start(&data, &["--filter", filter.to_str().unwrap()]);
    let started = Instant::now();
    assert_eq!(server.get("/").status, 200);
    let status = server.get("/api/status").json();
    eprintln!("GET / and /api/status answered {:.0} ms after the URL", started.elapsed().as_secs_f64() * 1e3);
    assert_eq!(status["rescreen"], "running", "the records are re-screened behind the listener: {status}");

    let status = server.rescreened();
    eprintln!("{records} records re-screened {:.2} s after the URL", started.elapsed().as_secs_f64());
    assert_eq!(status["tested"].as_u64(), Some(records));
    let matches = server.get("/api/matches").json();
    let names: BTreeSet<String> =
        matches.as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap().to_string()).collect();
    let missed: Vec<_> = listed.iter().filter(|id| !names.contains(&format!("synthetic-{id}"))).collect();
    assert!(missed.is_empty(), "listed records not among the matches: {missed:?}");
}
