//! The `prescreen` command-line tool.

fn main() {
    eprintln!("prescreen: not yet implemented");
    std::process::exit(2);
}
