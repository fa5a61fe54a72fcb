//! Root-cause themes: clustering, c-TF-IDF keywords, trends.
