//! Connections: hyper's HTTP/1 server on tokio, with a header timeout and
//! size limit, a cap on open connections, and a graceful stop on SIGTERM or
//! SIGINT that lets requests in flight finish.

use std::sync::Arc;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use super::{routes, State};
use crate::output::CliError;

/// Resolves when the process gets SIGTERM or SIGINT.
async fn stop_signal() -> Result<(), CliError> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}

/// Accepts connections until a stop signal, then waits up to the shutdown
/// timeout for the connections still open to finish their requests.
pub async fn serve(listener: TcpListener, state: Arc<State>) -> Result<(), CliError> {
    let slots = Arc::new(Semaphore::new(state.config.max_connections));
    let (stopping, stop) = watch::channel(false);
    let mut connections = JoinSet::new();
    let signal = stop_signal();
    tokio::pin!(signal);
    loop {
        let slot = tokio::select! {
            result = &mut signal => { result?; break; }
            slot = Arc::clone(&slots).acquire_owned() => slot.map_err(|e| CliError(e.to_string()))?,
        };
        let (stream, _) = tokio::select! {
            result = &mut signal => { result?; break; }
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: the next accept may work.
                Err(e) => { eprintln!("prescreen serve: accept: {e}"); continue; }
            },
        };
        let (state, stop) = (Arc::clone(&state), stop.clone());
        connections.spawn(async move {
            let _slot = slot;
            connection(stream, state, stop).await;
        });
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = stopping.send(true);
    while connections.try_join_next().is_some() {}
    eprintln!("prescreen serve: stopping; {} connections finishing", connections.len());
    let _ =
        tokio::time::timeout(state.config.shutdown_timeout, async { while connections.join_next().await.is_some() {} })
            .await;
    Ok(())
}

/// Serves one connection until it closes, or until a stop is signalled and
/// its request in flight (if any) is answered.
async fn connection(stream: tokio::net::TcpStream, state: Arc<State>, mut stop: watch::Receiver<bool>) {
    let config = &state.config;
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        // hyper answers a request whose head does not fit with 431; 8 KiB is its floor.
        .max_buf_size(config.max_header_bytes.max(8192))
        .max_headers(100);
    let service_state = Arc::clone(&state);
    let service = service_fn(move |request| routes::route(Arc::clone(&service_state), request));
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let stopping = async move {
        let _ = stop.wait_for(|stopping| *stopping).await;
    };
    tokio::select! {
        _ = conn.as_mut() => return,
        () = stopping => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}
