//! A TCP proxy between a till's engine and the test server that can take the network away:
//! down (every connection cut, new ones closed at once), or faulty (each chunk of bytes, in
//! either direction, may cut the connection: a request lost before the server saw it, or a
//! reply lost after the server applied the request).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Default)]
struct Control {
    down: AtomicBool,
    /// Chance, in millionths, that a chunk cuts its connection.
    cut_per_million: AtomicU64,
    cuts: AtomicUsize,
}

pub struct Proxy {
    addr: SocketAddr,
    control: Arc<Control>,
    /// Bumped to cut every open connection.
    generation: watch::Sender<u64>,
}

impl Proxy {
    /// Starts a proxy on a free local port in front of `upstream`.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let control = Arc::new(Control::default());
        let (generation, _) = watch::channel(0_u64);
        let proxy = Proxy {
            addr,
            control: Arc::clone(&control),
            generation: generation.clone(),
        };
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                if control.down.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let control = Arc::clone(&control);
                let cut = generation.subscribe();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        relay(client, server, control, cut).await;
                    }
                });
            }
        });
        proxy
    }

    /// Where the proxy listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A test connection string through the proxy.
    pub fn uri(&self) -> String {
        format!(
            "mongodb://{}/?directConnection=true&retryWrites=false&serverSelectionTimeoutMS=1000&connectTimeoutMS=1000",
            self.addr
        )
    }

    /// Takes the network away (cutting every open connection) or gives it back.
    pub fn set_down(&self, down: bool) {
        self.control.down.store(down, Ordering::SeqCst);
        if down {
            self.generation.send_modify(|g| *g += 1);
        }
    }

    /// From now on each chunk of bytes cuts its connection with chance `p`.
    pub fn set_faulty(&self, p: f64) {
        let millionths = (p.clamp(0.0, 1.0) * 1e6) as u64;
        self.control
            .cut_per_million
            .store(millionths, Ordering::SeqCst);
    }

    /// How many connections a fault has cut.
    pub fn cuts(&self) -> usize {
        self.control.cuts.load(Ordering::SeqCst)
    }
}

/// Relays bytes both ways until either side closes, a fault cuts, or the proxy goes down.
async fn relay(
    client: TcpStream,
    server: TcpStream,
    control: Arc<Control>,
    mut cut: watch::Receiver<u64>,
) {
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    tokio::select! {
        () = pump(client_read, server_write, &control) => {}
        () = pump(server_read, client_write, &control) => {}
        _ = cut.changed() => {}
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    control: &Control,
) {
    let mut buf = vec![0_u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let chance = control.cut_per_million.load(Ordering::SeqCst);
        if chance > 0 && fastrand::u64(0..1_000_000) < chance {
            control.cuts.fetch_add(1, Ordering::SeqCst);
            // Sometimes part of the chunk goes through first: a message cut in the middle.
            if fastrand::bool() {
                let _ = to.write_all(&buf[..fastrand::usize(0..n)]).await;
            }
            return;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
