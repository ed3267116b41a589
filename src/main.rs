//! The `quotewire` command. Everything here is the command-line edge: argument parsing,
//! output, exit codes. The work is done by the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
