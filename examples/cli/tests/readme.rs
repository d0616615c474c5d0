//! The READMEs' CLI examples are what the CLI really does.
//!
//! - In `examples/cli/README.md`, every ```` ```console ```` block is a transcript: each `$ `
//!   line is a command run by bash, and the lines after it, up to the next `$ ` line, are exactly
//!   what it prints (standard output, then standard error).
//! - In both READMEs, every `cargo run ... -p splitter-cli -- ARGS` line of a ```` ```sh ````
//!   block runs and exits 0 with some output.
//!
//! Commands run with `splitter` (and `cargo run -q -p splitter-cli --`) meaning the binary under
//! test, in a scratch folder where `examples/` is the repository's, so that a command that
//! writes a file writes it there.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fenced blocks of a Markdown text with the given info string, each as its lines.
fn blocks(markdown: &str, info: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in markdown.lines() {
        match current.as_mut() {
            None if line.trim_end() == format!("```{info}") => current = Some(Vec::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => found.extend(current.take()),
            Some(lines) => lines.push(line.to_string()),
        }
    }
    found
}

/// A console block as (command, expected output) pairs.
fn transcript(block: &[String]) -> Vec<(String, String)> {
    let mut steps: Vec<(String, String)> = Vec::new();
    for line in block {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push((command.to_string(), String::new()));
        } else if let Some((_, output)) = steps.last_mut() {
            output.push_str(line);
            output.push('\n');
        } else {
            panic!("a console block starts with a '$ ' line, not {line:?}");
        }
    }
    steps
}

/// A scratch folder of the test `name`, in which `examples/` is the repository's.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("splitter-cli-readme-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let link = dir.join("examples");
    if !link.exists() {
        std::os::unix::fs::symlink(root().join("examples"), &link).expect("a link to examples/");
    }
    dir
}

/// Runs `command` in bash in `dir`, with `splitter` being the binary under test; its status and
/// its standard output followed by its standard error.
fn run(dir: &Path, command: &str) -> (Option<i32>, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_splitter"));
    let command = command
        .replace("cargo run -q -p splitter-cli --", "splitter")
        .replace("cargo run -p splitter-cli --", "splitter");
    let path = format!(
        "{}:{}",
        bin.parent().expect("the binary's folder").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-c", &format!("{{ {command}\n}} 2>&1")])
        .current_dir(dir)
        .env("PATH", path)
        .output()
        .expect("bash runs");
    (out.status.code(), stdout(&out))
}

#[test]
fn cli_readme_transcripts_are_what_the_cli_prints() {
    let readme = std::fs::read_to_string(root().join("examples/cli/README.md")).expect("the README");
    let dir = scratch("transcripts");
    let mut checked = 0;
    let mut failures = Vec::new();
    for block in blocks(&readme, "console") {
        for (command, expected) in transcript(&block) {
            let (_, got) = run(&dir, &command);
            if got != expected {
                failures.push(format!("$ {command}\n--- README\n{expected}--- the CLI\n{got}"));
            }
            checked += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 10, "only {checked} README commands found");
}

#[test]
fn readme_command_lines_run() {
    let dir = scratch("lines");
    let mut checked = 0;
    for readme in ["README.md", "examples/cli/README.md"] {
        let text = std::fs::read_to_string(root().join(readme)).expect("the README");
        for line in blocks(&text, "sh").iter().flatten() {
            if !(line.starts_with("cargo run") || line.contains("| cargo run"))
                || !line.contains("-p splitter-cli --")
            {
                continue;
            }
            // The command, without a trailing comment (two spaces or more, then '#').
            let command = match line.find("  #") {
                Some(at) => line[..at].trim_end(),
                None => line.trim_end(),
            };
            let (status, output) = run(&dir, command);
            assert_eq!(status, Some(0), "{readme}: {command}\n{output}");
            if !command.contains('>') {
                assert!(!output.is_empty(), "{readme}: {command} printed nothing");
            }
            checked += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(checked >= 8, "only {checked} README command lines found");
}

#[test]
fn the_readers_of_the_readme_find_what_they_look_for() {
    // The harness itself: a block, a transcript, and a wrong expectation caught.
    let md = "x\n```console\n$ echo a\na\n$ echo b\nb\n```\n```sh\ny\n```\n";
    let found = blocks(md, "console");
    assert_eq!(found.len(), 1);
    let steps = transcript(&found[0]);
    assert_eq!(
        steps,
        [
            ("echo a".to_string(), "a\n".to_string()),
            ("echo b".to_string(), "b\n".to_string())
        ]
    );
    let dir = scratch("harness");
    assert_eq!(run(&dir, "echo a; echo b >&2"), (Some(0), "a\nb\n".to_string()));
    assert_ne!(run(&dir, &steps[0].0).1, "b\n");
    assert_eq!(run(&dir, "test -f examples/data/spec-example.json").0, Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
