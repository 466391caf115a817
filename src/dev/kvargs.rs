//! Our own `key=value,key=value` parser, with the semantics of DPDK 22.11's `rte_kvargs_parse`
//! (librte_kvargs), which devargs and the device iterator need. rtemem does not link
//! librte_kvargs: a program linked only to rtemem has no DPDK library, and this parser is on the
//! bad-input path, so it is small and ours.
//!
//! The rules, as librte_kvargs applies them:
//! - pairs are split at `,`, except inside a `[...]` list (`k=x[0-1]y[1,3-5]z` is one value);
//! - a key may come without `=` (its value is then absent);
//! - empty pairs (`a=1,,b=2`, a trailing `,`) are dropped, but `=v` is a pair with an empty key;
//! - a second `=` in a pair ends the key again: `a=b=c` is the key `b` with the value `c`;
//! - at most [`KVARGS_MAX`] pairs; more is a failure.

/// Largest number of pairs (RTE_KVARGS_MAX).
pub(crate) const KVARGS_MAX: usize = 32;

/// One `key[=value]` pair, as byte ranges of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pair<'a> {
    pub key: &'a [u8],
    pub value: Option<&'a [u8]>,
}

/// A parsed list of pairs borrowing from the text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct KvList<'a> {
    pub pairs: Vec<Pair<'a>>,
}

/// Why a text is not a kvargs list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooManyPairs;

impl<'a> KvList<'a> {
    /// Parses `text` (no NUL in it; it ends where the slice ends).
    pub fn parse(text: &'a [u8]) -> Result<KvList<'a>, TooManyPairs> {
        let mut pairs = Vec::new();
        let mut in_list = false;
        // The pair being read: its key once a key ended, and whether a key ended at all.
        let mut key: &[u8] = &[];
        let mut key_done = false;
        let mut start = 0;
        for i in 0..=text.len() {
            let c = text.get(i).copied();
            // What ends here: a key (k), a value (v), a whole pair (p).
            let (mut k, mut v, mut p) = (false, false, false);
            match c {
                Some(b'=') => k = true,
                Some(b',') if !in_list => {
                    if key_done {
                        v = true;
                    } else {
                        k = true;
                    }
                    p = true;
                }
                Some(b'[') => in_list = true,
                Some(b']') => in_list = false,
                None => {
                    if key_done {
                        v = true;
                    } else {
                        k = true;
                    }
                    p = true;
                }
                _ => {}
            }
            if !(k || v) {
                continue;
            }
            if pairs.len() >= KVARGS_MAX {
                return Err(TooManyPairs);
            }
            let token = &text[start..i];
            if v {
                pairs.push(Pair {
                    key,
                    value: Some(token),
                });
            } else {
                key = token;
                key_done = true;
                if p && !token.is_empty() {
                    pairs.push(Pair { key, value: None });
                }
            }
            if p {
                key = &[];
                key_done = false;
            }
            start = i + 1;
        }
        Ok(KvList { pairs })
    }

    /// The value of the first pair named `key` (`rte_kvargs_get`): None when there is no such
    /// pair or it has no value.
    pub fn get(&self, key: &[u8]) -> Option<&'a [u8]> {
        self.pairs
            .iter()
            .find(|p| p.key == key)
            .and_then(|p| p.value)
    }

    /// The first pair, if any.
    pub fn first(&self) -> Option<&Pair<'a>> {
        self.pairs.first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(s: &str) -> Vec<(String, Option<String>)> {
        KvList::parse(s.as_bytes())
            .unwrap()
            .pairs
            .iter()
            .map(|p| {
                (
                    String::from_utf8_lossy(p.key).into_owned(),
                    p.value.map(|v| String::from_utf8_lossy(v).into_owned()),
                )
            })
            .collect()
    }

    fn p(k: &str, v: Option<&str>) -> (String, Option<String>) {
        (k.to_string(), v.map(str::to_string))
    }

    #[test]
    fn pairs_split_at_commas_and_keys_may_lack_values() {
        assert_eq!(
            kv("k1=v1,k2=v2"),
            vec![p("k1", Some("v1")), p("k2", Some("v2"))]
        );
        assert_eq!(kv("k1"), vec![p("k1", None)]);
        assert_eq!(
            kv("net_null0,size=64"),
            vec![p("net_null0", None), p("size", Some("64"))]
        );
        assert_eq!(kv("k="), vec![p("k", Some(""))]);
    }

    #[test]
    fn lists_keep_their_commas() {
        assert_eq!(
            kv("k1=x[0-1]y[1,3-5,9]z,k2=v"),
            vec![p("k1", Some("x[0-1]y[1,3-5,9]z")), p("k2", Some("v"))]
        );
        // An unclosed list swallows the commas; an '=' still ends a key (as in DPDK).
        assert_eq!(kv("a=[1,2,b"), vec![p("a", Some("[1,2,b"))]);
        assert_eq!(kv("a=[1,2,b=3"), vec![p("[1,2,b", Some("3"))]);
        // A stray ']' is harmless.
        assert_eq!(kv("a=1],b"), vec![p("a", Some("1]")), p("b", None)]);
    }

    #[test]
    fn empty_pairs_are_dropped_but_empty_keys_with_values_are_kept() {
        assert!(kv("").is_empty());
        assert!(kv(",,,").is_empty());
        assert_eq!(kv("a=1,,b=2,"), vec![p("a", Some("1")), p("b", Some("2"))]);
        assert_eq!(kv("=v"), vec![p("", Some("v"))]);
    }

    #[test]
    fn a_second_equals_sign_restarts_the_key() {
        assert_eq!(kv("a=b=c"), vec![p("b", Some("c"))]);
    }

    #[test]
    fn more_than_32_pairs_is_refused() {
        let ok: Vec<String> = (0..32).map(|i| format!("k{i}=v")).collect();
        assert_eq!(
            KvList::parse(ok.join(",").as_bytes()).unwrap().pairs.len(),
            32
        );
        let bad: Vec<String> = (0..33).map(|i| format!("k{i}")).collect();
        assert_eq!(KvList::parse(bad.join(",").as_bytes()), Err(TooManyPairs));
        // 32 pairs and a trailing comma still fit: the empty pair is never stored.
        assert!(KvList::parse(format!("{},", ok.join(",")).as_bytes()).is_err());
    }

    #[test]
    fn get_returns_the_first_valued_match() {
        let l = KvList::parse(b"bus=vdev,name=net_null0,name=x").unwrap();
        assert_eq!(l.get(b"name"), Some(&b"net_null0"[..]));
        assert_eq!(l.get(b"bus"), Some(&b"vdev"[..]));
        assert_eq!(l.get(b"nope"), None);
        let l = KvList::parse(b"name,x=1").unwrap();
        assert_eq!(l.get(b"name"), None);
    }
}
