//! The `quotewire` command. Everything here is the command-line edge: argument parsing,
//! output, exit codes. The work is done by the library.

mod cli;

fn main() -> std::process::ExitCode {
    // Like every Unix filter: `quotewire stories | head` ends quietly when head has had enough,
    // instead of panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists; it only restores the
    // default disposition of SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    cli::main()
}
