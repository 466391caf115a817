//! GNU `getopt_long` as DPDK 22.11's `rte_eal_init` drives it, in safe Rust.
//!
//! DPDK hands `argv` to glibc's `getopt_long` with a short-option string and a table of long
//! options, in glibc's default ("permute") ordering. What that means, and what this module
//! reproduces:
//!
//! * short options may be clustered (`-vh`); a short option that takes a value takes the rest
//!   of its word (`-l0-1`) or, if nothing is left, the next word (`-l 0-1`), whatever it looks
//!   like (`-l --no-huge` gives `-l` the value `--no-huge`);
//! * `--name=value` or `--name value` for options with a required value; options with an
//!   optional value take one only through `=`; `--flag=value` on a flag is an error;
//! * a long name may be abbreviated to any prefix that matches exactly one option
//!   (`--no-hu`), an exact match always wins, a prefix of several options is ambiguous;
//! * words that are not options (`-` alone counts as one) are skipped and, as parsing goes on,
//!   moved after the options, keeping their relative order;
//! * `--` ends the options; it is moved in front of the skipped non-options and `optind` ends
//!   on the first non-option, so the final layout is
//!   `prog, options (with their values)..., "--", skipped non-options..., words after "--"`.
//!
//! Instead of moving C pointers, the scanner permutes `order`, a list of indices into the
//! caller's arguments, with the same exchanges glibc makes; `order` is what the FFI layer
//! writes back into the C `argv`. The `POSIXLY_CORRECT` environment variable (which makes
//! glibc stop at the first non-option) is not honoured.

/// Whether a long option takes a value (`struct option.has_arg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HasArg {
    No,
    Required,
    Optional,
}

/// One entry of the long-option table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LongOpt {
    pub name: &'static str,
    pub has_arg: HasArg,
}

/// An option recognised by the scanner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Opt {
    /// A short option letter.
    Short(char),
    /// A long option, by its full name from the table.
    Long(&'static str),
}

/// What one step of the scanner produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    /// An option and its value, if it has one.
    Opt(Opt, Option<String>),
    /// What glibc reports as `'?'`, with the text of its message.
    Error(String),
}

/// The scanner state: glibc's `optind`, `nextchar`, `first_nonopt` and `last_nonopt`.
pub(crate) struct Getopt<'a> {
    args: &'a [String],
    /// `order[k]` is the index in `args` of the word now at position `k`.
    order: Vec<usize>,
    shorts: &'static str,
    longs: &'static [LongOpt],
    optind: usize,
    /// Inside a cluster of short options: the byte offset of the next letter in the word at
    /// `optind`.
    nextchar: Option<usize>,
    first_nonopt: usize,
    last_nonopt: usize,
}

impl<'a> Getopt<'a> {
    /// A scanner over `args` (`args[0]` is the program name). `shorts` lists the short option
    /// letters, each followed by `:` when it takes a value.
    pub(crate) fn new(args: &'a [String], shorts: &'static str, longs: &'static [LongOpt]) -> Self {
        Getopt {
            args,
            order: (0..args.len()).collect(),
            shorts,
            longs,
            optind: 1,
            nextchar: None,
            first_nonopt: 1,
            last_nonopt: 1,
        }
    }

    /// glibc's `optind` after the last call.
    pub(crate) fn optind(&self) -> usize {
        self.optind
    }

    /// The permutation made so far.
    pub(crate) fn order(&self) -> &[usize] {
        &self.order
    }

    fn word(&self, pos: usize) -> &'a str {
        &self.args[self.order[pos]]
    }

    fn argc(&self) -> usize {
        self.args.len()
    }

    fn is_nonopt(&self, pos: usize) -> bool {
        let w = self.word(pos);
        !w.starts_with('-') || w.len() == 1
    }

    /// Moves the skipped non-options `[first_nonopt, last_nonopt)` after the options
    /// `[last_nonopt, optind)`, keeping both runs in order (glibc's `exchange`).
    fn exchange(&mut self) {
        let (first, last, end) = (self.first_nonopt, self.last_nonopt, self.optind);
        debug_assert!(
            first <= last && last <= end,
            "non-option window out of order"
        );
        self.order[first..end].rotate_left(last - first);
        self.first_nonopt = first + (end - last);
        self.last_nonopt = end;
    }

    /// The next option, or `None` at the end of the options.
    pub(crate) fn next_event(&mut self) -> Option<Event> {
        if self.nextchar.is_none() {
            let argc = self.argc();
            if self.last_nonopt > self.optind {
                self.last_nonopt = self.optind;
            }
            if self.first_nonopt > self.optind {
                self.first_nonopt = self.optind;
            }
            if self.first_nonopt != self.last_nonopt && self.last_nonopt != self.optind {
                self.exchange();
            } else if self.last_nonopt != self.optind {
                self.first_nonopt = self.optind;
            }
            while self.optind < argc && self.is_nonopt(self.optind) {
                self.optind += 1;
            }
            self.last_nonopt = self.optind;

            if self.optind != argc && self.word(self.optind) == "--" {
                self.optind += 1;
                if self.first_nonopt != self.last_nonopt && self.last_nonopt != self.optind {
                    self.exchange();
                } else if self.first_nonopt == self.last_nonopt {
                    self.first_nonopt = self.optind;
                }
                self.last_nonopt = argc;
                self.optind = argc;
            }
            if self.optind == argc {
                if self.first_nonopt != self.last_nonopt {
                    self.optind = self.first_nonopt;
                }
                return None;
            }
            if self.word(self.optind).starts_with("--") {
                return Some(self.long_option());
            }
            self.nextchar = Some(1);
        }
        Some(self.short_option())
    }

    fn long_option(&mut self) -> Event {
        let word = self.word(self.optind);
        let body = &word[2..];
        let (name, value) = match body.find('=') {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        self.optind += 1;
        let found = match self.longs.iter().find(|o| o.name == name) {
            Some(o) => *o,
            None => {
                let matches: Vec<&LongOpt> = self
                    .longs
                    .iter()
                    .filter(|o| o.name.starts_with(name))
                    .collect();
                match matches.len() {
                    0 => return Event::Error(format!("unrecognized option '{word}'")),
                    1 => *matches[0],
                    _ => {
                        let names: Vec<String> =
                            matches.iter().map(|o| format!("'--{}'", o.name)).collect();
                        return Event::Error(format!(
                            "option '--{name}' is ambiguous; possibilities: {}",
                            names.join(" ")
                        ));
                    }
                }
            }
        };
        let opt = Opt::Long(found.name);
        match (found.has_arg, value) {
            (HasArg::No, Some(_)) => Event::Error(format!(
                "option '--{}' doesn't allow an argument",
                found.name
            )),
            (_, Some(v)) => Event::Opt(opt, Some(v.to_string())),
            (HasArg::Required, None) => {
                if self.optind < self.argc() {
                    let v = self.word(self.optind).to_string();
                    self.optind += 1;
                    Event::Opt(opt, Some(v))
                } else {
                    Event::Error(format!("option '--{}' requires an argument", found.name))
                }
            }
            (_, None) => Event::Opt(opt, None),
        }
    }

    fn short_option(&mut self) -> Event {
        let word = self.word(self.optind);
        let off = self.nextchar.unwrap_or(1);
        let c = word[off..].chars().next().unwrap_or('\0');
        let rest_at = off + c.len_utf8();
        let rest = &word[rest_at..];
        self.nextchar = Some(rest_at);
        if rest.is_empty() {
            self.optind += 1;
            self.nextchar = None;
        }
        let spec = if c == ':' { None } else { self.shorts.find(c) };
        let Some(i) = spec else {
            return Event::Error(format!("invalid option -- '{c}'"));
        };
        let takes_value = self.shorts[i + c.len_utf8()..].starts_with(':');
        if !takes_value {
            return Event::Opt(Opt::Short(c), None);
        }
        self.nextchar = None;
        if !rest.is_empty() {
            self.optind += 1;
            Event::Opt(Opt::Short(c), Some(rest.to_string()))
        } else if self.optind == self.argc() {
            Event::Error(format!("option requires an argument -- '{c}'"))
        } else {
            let v = self.word(self.optind).to_string();
            self.optind += 1;
            Event::Opt(Opt::Short(c), Some(v))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONGS: &[LongOpt] = &[
        LongOpt {
            name: "no-huge",
            has_arg: HasArg::No,
        },
        LongOpt {
            name: "no-hpet",
            has_arg: HasArg::No,
        },
        LongOpt {
            name: "lcores",
            has_arg: HasArg::Required,
        },
        LongOpt {
            name: "huge-unlink",
            has_arg: HasArg::Optional,
        },
    ];

    fn run(words: &[&str]) -> (Vec<Event>, usize, Vec<usize>) {
        let args: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        let mut g = Getopt::new(&args, "l:vh", LONGS);
        let mut ev = Vec::new();
        while let Some(e) = g.next_event() {
            ev.push(e);
        }
        (ev, g.optind(), g.order().to_vec())
    }

    fn s(c: char, v: Option<&str>) -> Event {
        Event::Opt(Opt::Short(c), v.map(str::to_string))
    }

    #[test]
    fn short_values_attach_or_take_the_next_word() {
        let (ev, ind, _) = run(&["p", "-l0-1", "-l", "--no-huge", "-vh"]);
        assert_eq!(
            ev,
            vec![
                s('l', Some("0-1")),
                s('l', Some("--no-huge")),
                s('v', None),
                s('h', None)
            ]
        );
        assert_eq!(ind, 5);
    }

    #[test]
    fn cluster_ending_in_a_valued_option_takes_the_next_word() {
        let (ev, _, _) = run(&["p", "-vl", "3"]);
        assert_eq!(ev, vec![s('v', None), s('l', Some("3"))]);
    }

    #[test]
    fn missing_short_value_and_unknown_letter_are_errors() {
        let (ev, _, _) = run(&["p", "-x", "-l"]);
        assert!(matches!(&ev[0], Event::Error(m) if m.contains("invalid option -- 'x'")));
        assert!(matches!(&ev[1], Event::Error(m) if m.contains("requires an argument -- 'l'")));
    }

    #[test]
    fn long_prefixes_resolve_when_unique_and_fail_when_ambiguous() {
        let (ev, _, _) = run(&["p", "--no-hu", "--no-h", "--lc=1", "--lcores"]);
        assert_eq!(ev[0], Event::Opt(Opt::Long("no-huge"), None));
        assert!(matches!(&ev[1], Event::Error(m) if m.contains("ambiguous")));
        assert_eq!(ev[2], Event::Opt(Opt::Long("lcores"), Some("1".into())));
        assert!(matches!(&ev[3], Event::Error(m) if m.contains("requires an argument")));
    }

    #[test]
    fn optional_values_come_only_through_equals() {
        let (ev, ind, order) = run(&[
            "p",
            "--huge-unlink",
            "never",
            "--huge-unlink=",
            "--no-huge=1",
        ]);
        assert_eq!(ev[0], Event::Opt(Opt::Long("huge-unlink"), None));
        assert_eq!(
            ev[1],
            Event::Opt(Opt::Long("huge-unlink"), Some(String::new()))
        );
        assert!(matches!(&ev[2], Event::Error(m) if m.contains("doesn't allow")));
        assert_eq!(order, vec![0, 1, 3, 4, 2]);
        assert_eq!(ind, 4);
    }

    #[test]
    fn non_options_move_after_the_options_and_double_dash_stops() {
        let (ev, ind, order) = run(&["p", "a", "-l", "0", "--", "b", "-v"]);
        assert_eq!(ev, vec![s('l', Some("0"))]);
        assert_eq!(order, vec![0, 2, 3, 4, 1, 5, 6]);
        assert_eq!(ind, 4, "optind ends on the first non-option");
    }

    #[test]
    fn trailing_non_options_leave_optind_on_the_first() {
        let (_, ind, order) = run(&["p", "x", "-v", "y", "-", "-h", "z"]);
        assert_eq!(order, vec![0, 2, 5, 1, 3, 4, 6]);
        assert_eq!(ind, 3);
        let (_, ind, order) = run(&["p", "-v"]);
        assert_eq!((ind, order), (2, vec![0, 1]));
        let (_, ind, _) = run(&["p"]);
        assert_eq!(ind, 1);
    }

    #[test]
    fn double_dash_first_ends_at_once() {
        let (ev, ind, order) = run(&["p", "--", "-v"]);
        assert!(ev.is_empty());
        assert_eq!((ind, order), (2, vec![0, 1, 2]));
    }
}
