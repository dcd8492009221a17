//! `sellsync scale`, run as an installer would to try a counter scale, against a scale
//! simulated on a pseudo-terminal (a real serial line).

#[path = "../../scale/tests/simulator/mod.rs"]
mod simulator;

use std::process::{Command, Output};

use sellsync_scale::Protocol;
use simulator::{SimulatedScale, State};

fn sellsync(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sellsync"))
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(if out.status.success() {
        &out.stdout
    } else {
        &out.stderr
    })
    .into_owned()
}

#[test]
fn a_scale_is_read_and_zeroed_and_its_troubles_are_told_in_words() {
    let scale = SimulatedScale::start(
        Protocol::Toledo8217,
        State {
            thousandths: 742,
            moving_for: 2,
            ..State::default()
        },
    );
    let port = ["--port", scale.port(), "--protocol", "toledo-8217"];
    let read = |extra: &[&str]| sellsync(&[&["scale", "read"], &port[..], extra].concat());

    // Needs no till: the data folder is never opened.
    let out = read(&[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(text(&out), "0.742 kg\n");
    let out = sellsync(&[&["--json", "scale", "read"], &port[..]].concat());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json, serde_json::json!({ "weight": "0.742", "unit": "kg" }));

    scale.set(|s| s.moving_for = 1000);
    let out = read(&["--wait", "1"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("still moving"), "{}", text(&out));

    scale.set(|s| s.moving_for = 0);
    let out = sellsync(&[&["scale", "zero"], &port[..]].concat());
    assert!(out.status.success(), "{}", text(&out));
    let out = read(&[]);
    assert!(
        text(&out).contains("Nothing is on the scale"),
        "{}",
        text(&out)
    );

    // A protocol nobody speaks, a port that is not there: told in words.
    for (port, protocol, words) in [
        (scale.port(), "toledo", "toledo-8217 or mt-sics"),
        ("/dev/no-such-scale", "mt-sics", "cannot be opened"),
    ] {
        let out = sellsync(&["scale", "read", "--port", port, "--protocol", protocol]);
        assert!(!out.status.success());
        assert!(text(&out).contains(words), "{}", text(&out));
    }
}
