//! Which language a ticket is written in: an ISO 639-1 code per text, from
//! `whatlang` (a trigram detector for 69 languages, no data files).
//!
//! The model was trained on English, so its sentiment and topic are
//! unreliable on other languages; the language column lets a reader see
//! how many tickets that concerns and group KPIs by it (`--by language`).
//!
//! A text gets a language when whatlang's own reliability rule accepts its
//! guess, when its script is written by one language only (Japanese kana,
//! Korean Hangul, Greek, Thai …), or when its guess is English, not a near
//! tie, in a text of at least three words ([`MIN_WORDS_UNSURE_ENGLISH`]).
//! Otherwise it gets none: an unsure guess of another language is never
//! written. The English rule is asymmetric
//! on purpose: on short English text whatlang's unsure guesses scatter over
//! Afrikaans, Portuguese, Catalan, Danish … (a fifth of BANKING77's
//! one-line queries), while a non-English text is seldom guessed English.
//! Measured on 35,267 texts (BANKING77 train, Bitext val, TweetEval val and
//! the twcs customer tweets) against `lingua` (all 75 languages, high
//! accuracy) as the reference: the reliability rule alone gave a language to
//! 35 % of BANKING77 queries and 19 % of Bitext's; with the English rule 73 %
//! and 70 %, with no query called another language, and of the 283 texts
//! the reference called non-English it called 14 more English, which read
//! as English (or as no language: URLs, version numbers) on inspection.
//! Longer ticket texts (Kaggle ticket table) were already 99.9 % detected.
//! `lingua` itself is more accurate on short text but took 0.4–1.3 ms a
//! text (whatlang ~0.07 ms) and added 115–290 MB to the binary, so it is
//! not used.

/// The ISO 639-1 code of the language `text` is written in (`en`, `de`,
/// `zh` …), or `None` when the detector is not confident (short or mixed
/// text) and its guess is not an English one the module's rule accepts.
/// Languages without a two-letter code keep their ISO 639-3 code.
pub fn detect(text: &str) -> Option<&'static str> {
    let info = whatlang::detect(text)?;
    // A script only one language writes (kana: ja, Hangul: ko, Greek …)
    // names the language even in a short text; in the shared scripts
    // (Latin, Cyrillic, Arabic, Devanagari, Ethiopic) an unsure guess is no answer,
    // except an English one (see the module docs).
    use whatlang::Script::*;
    let one_language = !matches!(
        info.script(),
        Latin | Cyrillic | Arabic | Devanagari | Ethiopic
    );
    // Evaluated last and lazily: most tickets are reliable, and counting
    // words would read every text a second time.
    let unsure_english = || {
        info.lang() == whatlang::Lang::Eng
            && info.confidence() >= MIN_CONFIDENCE_UNSURE_ENGLISH
            && words(text) >= MIN_WORDS_UNSURE_ENGLISH
    };
    (info.is_reliable() || one_language || unsure_english()).then(|| iso639_1(info.lang()))
}

/// Fewest words (letter-bearing tokens, not @-mentions, e-mail addresses
/// or links) for an unsure English guess to count.
pub const MIN_WORDS_UNSURE_ENGLISH: usize = 3;

/// Least whatlang confidence for an unsure English guess to count. The
/// confidence (0–1) is how far the best guess's score leads the
/// runner-up's, relative to it and scaled down for short texts; below 0.1
/// English and another language are a near tie.
pub const MIN_CONFIDENCE_UNSURE_ENGLISH: f64 = 0.1;

/// Words that carry language: whitespace-separated tokens with a letter,
/// not @-mentions or e-mail addresses (any token with `@`) or links.
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| !w.contains('@') && !w.contains("://") && !w.starts_with("www."))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// Two-letter code of a whatlang language. Its ISO 639-3 codes name a few
/// individual languages whose two-letter code belongs to the
/// macrolanguage (Mandarin `cmn` → `zh`, Iranian Persian `pes` → `fa`).
fn iso639_1(lang: whatlang::Lang) -> &'static str {
    let code3 = lang.code();
    match code3 {
        "cmn" => "zh",
        "pes" => "fa",
        _ => isolang::Language::from_639_3(code3)
            .and_then(|l| l.to_639_1())
            .unwrap_or(code3),
    }
}

/// Languages of many texts, in order (in parallel: about 10–30 µs a text).
pub fn detect_all<S: AsRef<str> + Sync>(texts: &[S]) -> Vec<Option<&'static str>> {
    use rayon::prelude::*;
    texts.par_iter().map(|t| detect(t.as_ref())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::parse_language_code as parse_code;

    #[test]
    fn support_messages_get_their_language() {
        // Ticket-length texts (two sentences): the detector's reliability
        // rule needs more than a short query.
        let cases = [
            ("My order arrived broken and nobody answers my emails. I have been waiting for two weeks and I want a refund now.", "en"),
            ("Meine Bestellung ist beschädigt angekommen und niemand antwortet auf meine E-Mails. Ich warte seit zwei Wochen.", "de"),
            ("Ma commande est arrivée cassée et personne ne répond à mes messages. J'attends depuis deux semaines.", "fr"),
            ("Hola, mi pedido llegó roto y nadie responde a mis correos electrónicos. Llevo dos semanas esperando y quiero que me devuelvan el dinero cuanto antes, por favor.", "es"),
            ("Il mio ordine è arrivato rotto e nessuno risponde alle mie email. Aspetto da due settimane.", "it"),
            ("Мой заказ пришёл сломанным, и никто не отвечает на мои письма.", "ru"),
            ("我的订单到达时已经坏了，没有人回复我的邮件，我要退款。", "zh"),
            ("注文した商品が壊れて届きましたが、誰もメールに返信してくれません。", "ja"),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text), Some(want), "{text}");
        }
    }

    #[test]
    fn too_little_text_gets_no_language() {
        for text in [
            "",
            "ok",
            "12345",
            "#ORDER-1234 ???",
            "Done",
            "@AppleSupport hi https://t.co/x1",
            "thanks .@brand jane@example.com www.example.com",
        ] {
            assert_eq!(detect(text), None, "{text:?}");
        }
        // Short, but in a script only one language writes.
        assert_eq!(detect("ログインできません"), Some("ja"));
        assert_eq!(detect("로그인이 안 돼요"), Some("ko"));
    }

    #[test]
    fn short_english_queries_are_english_and_short_foreign_ones_are_not() {
        // One-line queries that whatlang guesses English without calling the
        // guess reliable.
        for text in [
            "I was charged twice for the same order",
            "The app crashes when I log in",
            "Where is my refund?",
            "I can't log in to my account",
        ] {
            assert_eq!(detect(text), Some("en"), "{text:?}");
        }
        // Ones it guesses as another language (Shona, Afrikaans, Danish …)
        // stay undetermined: no guess rather than a wrong one.
        for text in ["How do I change my address?", "My package never arrived"] {
            assert_eq!(detect(text), None, "{text:?}");
        }
        // The English rule never turns a short non-English query into English.
        for text in [
            "No puedo iniciar sesión en mi cuenta",
            "Mein Paket ist nicht angekommen",
            "Je n'arrive pas à me connecter",
            "Il pacco non è arrivato",
            "Mi pedido no ha llegado",
            "Ik kan niet inloggen",
        ] {
            assert_ne!(detect(text), Some("en"), "{text:?}");
        }
    }

    #[test]
    fn codes_read_back_as_written() {
        assert_eq!(parse_code("en"), Some("en"));
        assert_eq!(parse_code(" DE "), Some("de"));
        assert_eq!(parse_code("eng"), Some("en"));
        assert_eq!(parse_code("english"), None);
        assert_eq!(parse_code(""), None);
        // Every language the detector knows maps to a code that reads back.
        for &l in whatlang::Lang::all() {
            let code = iso639_1(l);
            assert_eq!(parse_code(code), Some(code), "{l:?}");
        }
    }
}
