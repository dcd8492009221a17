//! A counter scale on a serial port, tried from the command line (`sellsync scale`): the
//! settled weight on it, or zeroing it, in the protocol the scale speaks. Needs no till.

use std::time::Duration;

use anyhow::Result;
use clap::{Args, Subcommand};
use sellsync_scale::{weigh, Protocol, Scale, SerialScale, SerialSettings, WeightUnit};

use crate::output::Printer;

#[derive(Subcommand)]
pub(crate) enum ScaleCommand {
    /// The settled weight on the scale
    Read {
        #[command(flatten)]
        port: PortArgs,
        /// How long to wait, in seconds, while the weight moves
        #[arg(long, default_value_t = 3)]
        wait: u64,
    },
    /// Zero the scale, with nothing on it
    Zero {
        #[command(flatten)]
        port: PortArgs,
    },
}

#[derive(Args)]
pub(crate) struct PortArgs {
    /// The serial port the scale is on: /dev/ttyUSB0
    #[arg(long)]
    port: String,
    /// What the scale speaks: toledo-8217 or mt-sics
    #[arg(long)]
    protocol: Protocol,
    #[arg(long, default_value_t = 9600)]
    baud: u32,
    /// What a Toledo scale weighs in (its replies do not say): kg or lb
    #[arg(long, default_value = "kg")]
    unit: WeightUnit,
}

pub(crate) fn scale(command: ScaleCommand, out: &Printer) -> Result<()> {
    let open = |p: PortArgs| {
        SerialScale::open(SerialSettings {
            port: p.port,
            protocol: p.protocol,
            baud: p.baud,
            unit: p.unit,
            timeout: Duration::from_secs(1),
        })
    };
    match command {
        ScaleCommand::Read { port, wait } => {
            let mut scale = open(port)?;
            let weight = weigh(&mut scale, Duration::from_secs(wait))?;
            out.weight(&weight)
        }
        ScaleCommand::Zero { port } => {
            open(port)?.zero()?;
            out.done("The scale is at zero.")
        }
    }
}
