//! `prescreen keygen -o KEYFILE`: a new Ed25519 key pair for signing filters.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use crate::output::{CliError, Outcome};

/// Arguments of `prescreen keygen`.
#[derive(clap::Args)]
pub struct Args {
    /// Where to write the secret key (created with mode 0600; never overwritten).
    #[arg(short, long, value_name = "KEYFILE")]
    output: PathBuf,
}

/// Writes the secret key to KEYFILE and its public key to KEYFILE.pub; prints the public key hex.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    let secret: [u8; 32] = rand::random();
    let public = prescreen::hex::encode(&prescreen::public_key_of(&secret));
    let text = format!(
        "# prescreen Ed25519 secret key: keep it private.\n# public key: {public}\n{}\n",
        prescreen::hex::encode(&secret)
    );
    let open = |path: &PathBuf, mode: u32| {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(path)
            .map_err(|e| CliError(format!("{}: {e}", path.display())))
    };
    open(&args.output, 0o600)?.write_all(text.as_bytes())?;
    let mut public_path = args.output.clone().into_os_string();
    public_path.push(".pub");
    let public_path = PathBuf::from(public_path);
    open(&public_path, 0o644)?.write_all(format!("{public}\n").as_bytes())?;
    println!("{public}");
    Ok(Outcome::Clean)
}
