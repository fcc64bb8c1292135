//! The `prescreen` command-line tool: hash, build, query, check, inspect, keygen, serve, rescreen.
//!
//! Each subcommand lives in its own module with an `Args` struct and a `run`
//! function; this file only parses the command line and maps the outcome to
//! an exit code (0 fine, 1 something matched, 2 usage or input error).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod budget;
mod build;
mod check;
mod filterfile;
mod hash;
mod hashlist;
mod inspect;
mod keyfile;
mod keygen;
mod output;
mod query;
mod rescreen;
mod serve;
mod store;

/// Screen files against a compact filter of known hashes.
#[derive(Parser)]
#[command(name = "prescreen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the demo page, the browser package and the filter; screen uploads.
    Serve(serve::Args),
    /// Re-screen the server's stored uploads against a new filter, without decoding them again.
    Rescreen(rescreen::Args),
    /// Hash files: PDQ of the pixels, MD5/SHA-1/SHA-256 of the bytes.
    Hash(hash::Args),
    /// Build a filter file from hash lists.
    Build(build::Args),
    /// Screen files against a filter, as the browser does.
    Check(check::Args),
    /// Test hashes against a filter directly, without files.
    Query(query::Args),
    /// Show a filter's version, parameters, counts, size and signature.
    Inspect(inspect::Args),
    /// Generate an Ed25519 key pair for signing filters.
    Keygen(keygen::Args),
}

fn main() -> ExitCode {
    #[cfg(feature = "zune-jpeg")]
    prescreen::hide_caught_panics();
    let cli = Cli::parse();
    let outcome: Result<output::Outcome, output::CliError> = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Rescreen(args) => rescreen::run(args),
        Command::Hash(args) => hash::run(args),
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Query(args) => query::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Keygen(args) => keygen::run(args),
    };
    match outcome {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            eprintln!("prescreen: {err}");
            ExitCode::from(2)
        }
    }
}
