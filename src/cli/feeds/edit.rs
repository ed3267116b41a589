//! `quotewire feeds remove|enable|disable URL`: one feed of feeds.toml edited in place.

use std::process::ExitCode;

use anyhow::Result;
use quotewire::config_edit::FeedsFile;

use crate::cli::Globals;

#[derive(clap::Args)]
pub struct Args {
    /// The feed's URL as feeds.toml lists it
    url: String,
}

#[derive(Clone, Copy)]
pub enum Action {
    Remove,
    Enable,
    Disable,
}

pub fn run(globals: &Globals, args: Args, action: Action) -> Result<ExitCode> {
    let mut file = FeedsFile::open(&globals.config_path()?)?;
    let feed = super::find_feed(file.config(), &args.url)?.clone();
    let url = feed.url.clone();
    match action {
        Action::Remove => {
            let outlet = file.remove_feed(&url)?;
            file.save()?;
            println!(
                "removed {url} from outlet {outlet} in {}; its stories stay in the database",
                file.path().display()
            );
            if file
                .config()
                .outlet(&outlet)
                .is_some_and(|o| o.feeds.is_empty())
            {
                println!("  outlet {outlet} has no feeds left; it stays, so that posts naming it still map to it");
            }
        }
        Action::Enable | Action::Disable => {
            let enable = matches!(action, Action::Enable);
            let word = if enable { "enabled" } else { "disabled" };
            if file.set_enabled(&url, enable)? {
                file.save()?;
                println!(
                    "{word} {url} (outlet {}) in {}",
                    feed.outlet,
                    file.path().display()
                );
            } else {
                println!("{url} is already {word}; feeds.toml is unchanged");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
