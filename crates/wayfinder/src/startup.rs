//! Building the application from its settings, and running each command.

use crate::cli::{AdminCommand, AuditCommand, Cli, Command, ServeArgs, StationCommand};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::mail::transport::{self, Transport};
use crate::secrets::{Keys, load_master};
use crate::service::{accounts::NewAccountInput, setup};
use crate::{AppState, http, mail};
use anyhow::Context;
use secrecy::ExposeSecret;
use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

/// Opens the database (running its migrations) and derives the keys.
pub async fn build_state(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<AppState> {
    let master = load_master(config.secret_key.as_ref(), &config.data_dir)?;
    let keys = Keys::derive(&master);
    let url = config.database_url.expose_secret();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    }
    let store = store::connect(url, keys.audit.clone())
        .await
        .context("cannot open the database")?;
    Ok(AppState {
        store,
        config: Arc::new(config),
        keys: Arc::new(keys),
        clock,
        mail_wakeup: Arc::new(Notify::new()),
    })
}

/// Serves until `shutdown` resolves, then finishes open requests (within the configured
/// deadline) and stops the mail worker and the sweep.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    transport: Arc<dyn Transport>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop_worker, worker_stopped) = watch::channel(false);
    let sweep = tokio::spawn(crate::jobs::sweep::run(
        state.clone(),
        worker_stopped.clone(),
    ));
    let worker = tokio::spawn(mail::worker::run(state.clone(), transport, worker_stopped));
    let limits = state.config.limits.clone();
    crate::server::run(listener, http::router(state), limits, shutdown).await;
    // Queued mail stays in the database for the next start.
    let _ = stop_worker.send(true);
    worker.await.context("the mail worker panicked")?;
    sweep.await.context("the sweep panicked")?;
    Ok(())
}

/// Runs one command of the CLI.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => run_server(args).await,
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    first_name,
                    last_name,
                    storage,
                    site,
                },
        } => {
            let config = Config::resolve(&storage, &site, default_listen())?;
            let transport = transport::from_config(&config)?;
            let state = build_state(config, Arc::new(SystemClock)).await?;
            let input = NewAccountInput {
                email,
                first_name,
                last_name,
            };
            let user = match setup::create_admin(&state, &input).await {
                Ok(user) => user,
                Err(error) => anyhow::bail!("{error}{}", field_details(&error)),
            };
            println!("{}", user.id);
            // Deliver the invitation now if the mail transport can take it; else the server will.
            if let Err(error) = mail::worker::deliver_due(&state, transport.as_ref()).await {
                tracing::warn!(error = %format!("{error:#}"), "the invitation stays queued");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo {
            sessions,
            users,
            seed,
            storage,
            base_url,
        } => {
            let config = offline_config(&storage, base_url)?;
            let state = build_state(config, Arc::new(SystemClock)).await?;
            let started = std::time::Instant::now();
            let count = crate::demo::run(&state, sessions, users, seed).await?;
            let seconds = started.elapsed().as_secs_f64();
            println!("demo data loaded: {count} kiosk sessions in {seconds:.1} s");
            let link = demo_station_link(&state).await?;
            println!(
                "{}",
                demo_next_steps(&state.config, &storage, link.as_deref())
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Station {
            command:
                StationCommand::Create {
                    name,
                    storage,
                    site,
                },
        } => {
            let config = Config::resolve(&storage, &site, default_listen())?;
            let state = build_state(config, Arc::new(SystemClock)).await?;
            let input = crate::service::stations::StationInput { name: Some(name) };
            let viewer = domain::Viewer::cli();
            match crate::service::stations::create(&state, &viewer, &input).await {
                Ok(made) => println!("{}", made.link),
                Err(error) => anyhow::bail!("{error}{}", field_details(&error)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify { storage },
        } => {
            let state = build_state(offline_config(&storage, None)?, Arc::new(SystemClock)).await?;
            match store::audit_chain::verify(state.store.as_ref()).await? {
                Ok(count) => {
                    println!("audit chain intact: {count} events");
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    println!("{broken}");
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

/// The demo's stations are made with tokens nobody knows; the first one gets a new link here
/// (audited as the command line's), printed so that the demo's kiosk can be opened at once.
async fn demo_station_link(state: &AppState) -> anyhow::Result<Option<String>> {
    let viewer = domain::Viewer::cli();
    let (stations, _) = state
        .store
        .list_stations(domain::PageNumber::new(None))
        .await?;
    let Some(first) = stations.iter().find(|s| s.revoked_at.is_none()) else {
        return Ok(None);
    };
    let made = crate::service::stations::replace_link(state, &viewer, first.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Some(made.link))
}

/// What to do after `demo`: start the server on the same data, sign in as the demo's
/// administrator with a code from the outbox, and open the kiosk.
fn demo_next_steps(
    config: &Config,
    storage: &crate::cli::StorageArgs,
    station_link: Option<&str>,
) -> String {
    let program = std::env::args()
        .next()
        .unwrap_or_else(|| "wayfinder".into());
    let base = config.base_url.as_str().trim_end_matches('/');
    let data_dir = storage.data_dir.display();
    // The same database, key and address as the demo's, or `serve` would open another world.
    let mut same = String::new();
    if base != format!("http://{}", default_listen()) {
        // A plain http address of this machine is where `serve` must listen, too.
        if let Ok(url) = url::Url::parse(base) {
            let own_address = url.scheme() == "http"
                && matches!(url.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)));
            if let (true, Some(host), Some(port)) = (own_address, url.host_str(), url.port()) {
                same.push_str(&format!(" --listen {host}:{port}"));
            }
        }
        same.push_str(&format!(" --base-url {base}"));
    }
    if storage.database_url.is_some() || storage.secret_key.is_some() {
        same.push_str(" (with the same DATABASE_URL and WAYFINDER_SECRET_KEY)");
    }
    let minutes = crate::service::sign_in::SIGN_IN_VALIDITY.whole_minutes();
    let mut out = format!(
        "\nNext:\n\n  1. Start the server on the same data:\n\n       {program} serve --data-dir {data_dir}{same}\n\n  \
         2. Sign in at {base}/sign-in as {admin} (an administrator).\n     \
         The code (valid {minutes} minutes) arrives as an .eml file in {outbox}\n",
        admin = crate::demo::ADMIN_EMAIL,
        outbox = storage.data_dir.join("outbox").display(),
    );
    if let Some(link) = station_link {
        out.push_str(&format!(
            "\n  3. Open the kiosk of the demo's first station:\n\n       {link}\n"
        ));
    }
    out
}

/// The fields an error names, for the command line's message.
fn field_details(error: &crate::error::AppError) -> String {
    error
        .fields()
        .map(|f| format!(" {f:?}"))
        .unwrap_or_default()
}

/// The configuration of a command that serves nothing and sends no mail.
fn offline_config(
    storage: &crate::cli::StorageArgs,
    base_url: Option<String>,
) -> anyhow::Result<Config> {
    let site = crate::cli::SiteArgs {
        base_url,
        mail: None,
        mail_from: "wayfinder@localhost".into(),
        timezone: "UTC".into(),
        mail_timeout_seconds: 30,
    };
    Config::resolve(storage, &site, default_listen())
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

async fn run_server(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = Config::resolve(&args.storage, &args.site, args.listen)?;
    config.session_idle = time::Duration::minutes(i64::from(args.session_idle_minutes.max(1)));
    config.session_max = time::Duration::hours(i64::from(args.session_max_hours.max(1)));
    config.trust_proxy = args.trust_proxy;
    config.limits = args.limits.limits();
    let transport = transport::from_config(&config)?;
    let state = build_state(config, Arc::new(SystemClock)).await?;
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(address = %args.listen, base_url = %state.config.base_url, "Wayfinder is listening");
    if let Some(link) = setup::issue_link_if_needed(&state).await? {
        // Printed to the console only: whoever runs the server creates the first administrator.
        println!(
            "\nNo administrator exists yet. Open this one-time link (valid for 1 hour) to create one:\n\n    {link}\n"
        );
    }
    serve(state, listener, transport, shutdown_signal()).await?;
    tracing::info!("Wayfinder stopped");
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing open requests");
}
