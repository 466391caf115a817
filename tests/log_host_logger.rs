//! A Rust host that installed its own `log` logger keeps it: rtemem's messages reach that
//! logger as records (level mapped, target = the log type's name, text verbatim) instead of
//! rtemem installing env_logger over it. Its own process, so no other test installs a logger first.
use std::sync::Mutex;

use log::{Level, Log, Metadata, Record};
use rtemem::base::log as rl;

struct Capture(Mutex<Vec<(Level, String, String)>>);

impl Log for Capture {
    fn enabled(&self, _: &Metadata) -> bool {
        true
    }
    fn log(&self, r: &Record) {
        let mut v = self.0.lock().unwrap();
        v.push((r.level(), r.target().to_string(), r.args().to_string()));
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

#[test]
fn host_logger_receives_records_and_is_not_replaced() {
    log::set_logger(&CAPTURE).expect("the host installs its logger first");
    log::set_max_level(log::LevelFilter::Warn);

    rl::emit(rl::RTE_LOG_WARNING, rl::RTE_LOGTYPE_EAL, "EAL: careful\n");
    rl::emit(
        rl::RTE_LOG_DEBUG,
        rl::RTE_LOGTYPE_EAL,
        "EAL: filtered by rtemem\n",
    );
    let t = rl::register("host.test").unwrap();
    rl::emit(rl::RTE_LOG_CRIT, t, "crit text");
    rl::emit(rl::RTE_LOG_NOTICE, rl::RTE_LOGTYPE_USER1, "notice\n");

    let got = CAPTURE.0.lock().unwrap().clone();
    assert_eq!(
        got,
        vec![
            (
                Level::Warn,
                "lib.eal".to_string(),
                "EAL: careful\n".to_string()
            ),
            (
                Level::Error,
                "host.test".to_string(),
                "crit text".to_string()
            ),
            (Level::Info, "user1".to_string(), "notice\n".to_string()),
        ]
    );
    assert_eq!(
        log::max_level(),
        log::LevelFilter::Warn,
        "the host's max level is untouched"
    );
    // Still the host's logger: a host record lands in the capture too.
    log::warn!(target: "host", "mine");
    assert_eq!(CAPTURE.0.lock().unwrap().last().unwrap().2, "mine");
}
