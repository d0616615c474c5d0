//! CPU-heavy work (computing reports, hashing passwords) on pools of their own, so that no burst
//! of it can starve the async workers that answer everything else (`/health` among them).
//!
//! A [`Pool`] is a fixed number of threads fed from one queue, with three bounds:
//! - **capacity**: jobs waiting or running at most `threads + queue`; past it a new job is
//!   refused at once ([`Refused::Busy`], answered `429 busy`), so memory never grows with a burst;
//! - **per client**: at most `per_client` jobs of one client (an account, or an address for
//!   anonymous callers) waiting or running, so one client cannot fill the queue;
//! - **deadline**: a job not finished by its deadline is cancelled through the core's cancel flag
//!   (the long loops stop within milliseconds) and answered [`Refused::OverTime`] (or
//!   [`Refused::Busy`] if it never started). A request dropped by its client cancels its job too.
//!
//! A job keeps its slot until its thread is done with it, so abandoned jobs still count against
//! the bounds: the work in the process is never more than the bounds allow.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Job = Box<dyn FnOnce() + Send>;

/// Why a job was not done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The pool (or this client's share of it) is full, or the deadline passed while the job
    /// waited: try again later.
    Busy,
    /// The job ran past its deadline and was cancelled: this work is more than the caller's
    /// budget allows.
    OverTime,
}

/// Counters for `/metrics`.
#[derive(Debug, Default)]
pub struct PoolStats {
    /// Jobs finished.
    pub done: AtomicU64,
    /// Jobs refused because the pool or the client's share was full.
    pub busy: AtomicU64,
    /// Jobs cancelled at their deadline.
    pub cancelled: AtomicU64,
}

/// A pool of threads for CPU-heavy jobs.
#[derive(Debug)]
pub struct Pool {
    name: &'static str,
    queue: Mutex<mpsc::Sender<Job>>,
    /// Jobs waiting or running.
    load: Arc<AtomicUsize>,
    capacity: usize,
    clients: Arc<Mutex<HashMap<String, usize>>>,
    per_client: usize,
    /// Its counters.
    pub stats: Arc<PoolStats>,
    threads: usize,
}

/// Releases a job's slots when its thread is done with it (or when it is dropped unrun).
struct Slot {
    load: Arc<AtomicUsize>,
    clients: Arc<Mutex<HashMap<String, usize>>>,
    client: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.load.fetch_sub(1, Ordering::SeqCst);
        if let Ok(mut map) = self.clients.lock() {
            if let Some(n) = map.get_mut(&self.client) {
                *n -= 1;
                if *n == 0 {
                    map.remove(&self.client);
                }
            }
        }
    }
}

/// Raises the cancel flag when the waiting request goes away (deadline or dropped request).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Pool {
    /// `threads` threads named `splitter-{name}`, at most `queue` jobs waiting beyond those
    /// running, at most `per_client` jobs of one client waiting or running.
    pub fn new(name: &'static str, threads: usize, queue: usize, per_client: usize) -> std::io::Result<Pool> {
        let threads = threads.max(1);
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("splitter-{name}-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return, // the pool is gone
                    }
                })?;
        }
        Ok(Pool {
            name,
            queue: Mutex::new(tx),
            load: Arc::new(AtomicUsize::new(0)),
            capacity: threads + queue,
            clients: Arc::new(Mutex::new(HashMap::new())),
            per_client: per_client.max(1),
            stats: Arc::new(PoolStats::default()),
            threads,
        })
    }

    /// The pool's name (for metrics).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Jobs waiting or running now.
    pub fn load(&self) -> usize {
        self.load.load(Ordering::SeqCst)
    }

    /// Takes a slot for `client`, or refuses.
    fn admit(&self, client: &str) -> Result<Slot, Refused> {
        {
            let mut map = self.clients.lock().map_err(|_| Refused::Busy)?;
            let n = map.entry(client.to_string()).or_insert(0);
            if *n >= self.per_client {
                return Err(Refused::Busy);
            }
            *n += 1;
        }
        // From here on the slot releases both counts when dropped.
        self.load.fetch_add(1, Ordering::SeqCst);
        let slot = Slot {
            load: self.load.clone(),
            clients: self.clients.clone(),
            client: client.to_string(),
        };
        if self.load.load(Ordering::SeqCst) > self.capacity {
            return Err(Refused::Busy);
        }
        Ok(slot)
    }

    /// Runs `work` on the pool for `client`, within `deadline` (counted from now, waiting
    /// included). `work` gets the cancel flag, raised at the deadline: pass it to
    /// [`splitter_core::compute_cancellable`].
    pub async fn run<T, F>(&self, client: &str, deadline: Duration, work: F) -> Result<T, Refused>
    where
        T: Send + 'static,
        F: FnOnce(&AtomicBool) -> T + Send + 'static,
    {
        let refused = |r: Refused, stats: &PoolStats| {
            let counter = match r {
                Refused::Busy => &stats.busy,
                Refused::OverTime => &stats.cancelled,
            };
            counter.fetch_add(1, Ordering::Relaxed);
            r
        };
        let slot = self.admit(client).map_err(|r| refused(r, &self.stats))?;
        let cancel = Arc::new(AtomicBool::new(false));
        let started = Arc::new(AtomicBool::new(false));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = {
            let (cancel, started, stats) = (cancel.clone(), started.clone(), self.stats.clone());
            Box::new(move || {
                let _slot = slot;
                if cancel.load(Ordering::Relaxed) {
                    return; // cancelled while it waited
                }
                started.store(true, Ordering::Relaxed);
                let out = work(&cancel);
                stats.done.fetch_add(1, Ordering::Relaxed);
                let _ = tx.send(out);
            })
        };
        let _cancel_on_drop = CancelOnDrop(cancel.clone());
        {
            let queue = self
                .queue
                .lock()
                .map_err(|_| refused(Refused::Busy, &self.stats))?;
            queue.send(job).map_err(|_| refused(Refused::Busy, &self.stats))?;
        }
        match tokio::time::timeout(deadline, rx).await {
            Ok(Ok(out)) => Ok(out),
            // The job's thread dropped it: only if it panicked (never expected).
            Ok(Err(_)) => Err(refused(Refused::Busy, &self.stats)),
            Err(_) => {
                cancel.store(true, Ordering::Relaxed);
                let r = if started.load(Ordering::Relaxed) {
                    Refused::OverTime
                } else {
                    Refused::Busy
                };
                Err(refused(r, &self.stats))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    /// Spins until the flag is raised (a job that would run for ever), counting the spins.
    fn spin(flag: &AtomicBool) -> u64 {
        let mut n = 0u64;
        while !flag.load(Ordering::Relaxed) {
            n += 1;
            std::hint::spin_loop();
        }
        n
    }

    #[tokio::test]
    async fn jobs_run_and_return() {
        let pool = Pool::new("t", 2, 4, 4).unwrap();
        let out = pool.run("c", Duration::from_secs(30), |_| 6 * 7).await;
        assert_eq!(out, Ok(42));
        assert_eq!(pool.stats.done.load(Ordering::Relaxed), 1);
    }

    /// A job past its deadline is cancelled through its flag, and its slot comes back.
    #[tokio::test]
    async fn a_job_past_its_deadline_is_cancelled() {
        let pool = Pool::new("t", 1, 0, 1).unwrap();
        let r = pool.run("c", Duration::from_millis(50), spin).await;
        assert!(matches!(r, Err(Refused::OverTime) | Err(Refused::Busy)), "{r:?}");
        // The spinning job saw its flag and ended: the pool takes work again.
        let give_up = std::time::Instant::now() + Duration::from_secs(60);
        while pool.load() != 0 && std::time::Instant::now() < give_up {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(pool.load(), 0, "the cancelled job gave its slot back");
        assert_eq!(pool.run("c", Duration::from_secs(30), |_| 1).await, Ok(1));
    }

    /// Past threads + queue, and past one client's share, jobs are refused at once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn full_pools_and_greedy_clients_are_refused() {
        let pool = Arc::new(Pool::new("t", 1, 1, 2).unwrap());
        let release = Arc::new(AtomicBool::new(false));
        let hold = |pool: Arc<Pool>, client: &'static str, release: Arc<AtomicBool>| {
            tokio::spawn(async move {
                pool.run(client, Duration::from_secs(60), move |_| {
                    while !release.load(Ordering::Relaxed) {
                        std::thread::yield_now();
                    }
                })
                .await
            })
        };
        let a = hold(pool.clone(), "a", release.clone());
        let b = hold(pool.clone(), "a", release.clone());
        while pool.load() < 2 {
            tokio::task::yield_now().await;
        }
        // Client a has its two; the pool (1 thread + 1 waiting) is full for anyone.
        assert_eq!(
            pool.run("a", Duration::from_secs(1), |_| ()).await,
            Err(Refused::Busy)
        );
        assert_eq!(
            pool.run("b", Duration::from_secs(1), |_| ()).await,
            Err(Refused::Busy)
        );
        release.store(true, Ordering::Relaxed);
        assert_eq!(a.await.unwrap(), Ok(()));
        assert_eq!(b.await.unwrap(), Ok(()));
        assert_eq!(pool.run("b", Duration::from_secs(30), |_| 2).await, Ok(2));
        assert_eq!(pool.stats.busy.load(Ordering::Relaxed), 2);
    }
}
