//! Which language a ticket is written in: an ISO 639-1 code per text, from
//! `whatlang` (a trigram detector for 69 languages, no data files).
//!
//! The model was trained on English, so its sentiment and topic are
//! unreliable on other languages; the language column lets a reader see
//! how many tickets that concerns and group KPIs by it (`--by language`).
//! A text the detector is not confident about (whatlang's own reliability
//! rule) gets no language, never a guess, unless its script is written by
//! one language only (Japanese kana, Korean Hangul, Greek, Thai …):
//! measured here, that rule called
//! none of 10,003 English BANKING77 queries and none of 8,469 English
//! ticket texts (Kaggle ticket table) another language, and found the
//! Spanish, French, Portuguese and Japanese tweets among @-support tweets;
//! but it leaves most one-line queries undetermined (65 % of BANKING77,
//! 0.1 % of the longer ticket texts).

/// The ISO 639-1 code of the language `text` is written in (`en`, `de`,
/// `zh` …), or `None` when the detector is not confident (short or mixed
/// text). Languages without a two-letter code keep their ISO 639-3 code.
pub fn detect(text: &str) -> Option<&'static str> {
    let info = whatlang::detect(text)?;
    // A script only one language writes (kana: ja, Hangul: ko, Greek …)
    // names the language even in a short text; in the shared scripts
    // (Latin, Cyrillic, Arabic, Devanagari) an unsure guess is no answer.
    use whatlang::Script::*;
    let one_language = !matches!(
        info.script(),
        Latin | Cyrillic | Arabic | Devanagari | Ethiopic
    );
    (info.is_reliable() || one_language).then(|| iso639_1(info.lang()))
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
            "How do I change my address?",
        ] {
            assert_eq!(detect(text), None, "{text:?}");
        }
        // Short, but in a script only one language writes.
        assert_eq!(detect("ログインできません"), Some("ja"));
        assert_eq!(detect("로그인이 안 돼요"), Some("ko"));
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
