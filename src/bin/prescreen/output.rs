//! What every subcommand returns: an outcome for the exit code, or an error.

use std::fmt;
use std::process::ExitCode;

/// How a subcommand that ran to the end turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything fine (for check/query: nothing matched). Exit 0.
    Clean,
    /// Something matched (check/query). Exit 1.
    Matched,
    /// Some input could not be processed, reported per item. Exit 2.
    InputErrors,
}

impl Outcome {
    /// The process exit code for this outcome.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Matched => ExitCode::from(1),
            Outcome::InputErrors => ExitCode::from(2),
        }
    }
}

/// A failure that stops a subcommand; printed as one line on stderr, exit 2.
#[derive(Debug)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<prescreen::Error> for CliError {
    fn from(err: prescreen::Error) -> Self {
        CliError(format!("{} ({})", err, err.code()))
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        CliError(err.to_string())
    }
}

/// An error as the JSON outputs carry it: `{"code": ..., "message": ...}`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JsonError {
    /// The stable code (`prescreen::Error::code`, or `io` for a file that could not be read).
    pub code: &'static str,
    /// A human-readable sentence.
    pub message: String,
}

impl From<&prescreen::Error> for JsonError {
    fn from(err: &prescreen::Error) -> Self {
        JsonError { code: err.code(), message: err.to_string() }
    }
}

impl JsonError {
    /// The error for a file that could not be read at all.
    pub fn io(err: &std::io::Error) -> Self {
        JsonError { code: "io", message: err.to_string() }
    }
}

/// Writes `value` as one line of JSON (JSON Lines): the format of every `--json` output.
pub fn write_json_line(out: &mut impl std::io::Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// A result as the core writes it ([`prescreen::Json`]), as a serde value for the server's and the store's replies.
pub fn to_value(json: &prescreen::Json) -> serde_json::Value {
    use prescreen::Json;
    use serde_json::Value;
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, |n| {
            // Whole numbers print as integers, as the core writes them.
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map_or(Value::Number(n), |f| Value::from(f as i64))
        }),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        Json::Object(fields) => Value::Object(fields.iter().map(|(k, v)| ((*k).to_string(), to_value(v))).collect()),
    }
}
