//! The `wayfinder` binary: parse the command line, start logging, run the command.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = wayfinder::cli::Cli::parse();
    tracing_subscriber::fmt()
        // sqlx reports every statement over a second at WARN with its SQL; a report export
        // streams for longer by design, so only its errors are logged.
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sqlx::query=error")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: a captured console (file, journal) stays plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match wayfinder::startup::run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
