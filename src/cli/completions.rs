//! `quotewire completions SHELL`: a completion script for bash, zsh or fish, on stdout.
//!
//! Generated from the same clap definition the program parses with (clap_complete), so it
//! can never fall behind the commands. Nothing here reads the config or the database.

use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire completions bash > ~/.local/share/bash-completion/completions/quotewire\n  quotewire completions zsh > ~/.zfunc/_quotewire      # with fpath+=~/.zfunc in .zshrc\n  quotewire completions fish > ~/.config/fish/completions/quotewire.fish"
)]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: ShellArg,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ShellArg {
    Bash,
    Zsh,
    Fish,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let shell = match args.shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
    };
    let mut cmd = super::Cli::command();
    clap_complete::generate(shell, &mut cmd, "quotewire", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
