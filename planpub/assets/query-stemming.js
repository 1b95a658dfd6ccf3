// Material's search worker for the English pages, with query words stemmed like the index.
// Material turns each query word into a prefix query ("compared" → "compared*") and lunr skips its
// search pipeline (the stemmer) for such words, so "compared" never met the indexed stem "compar".
// Here the word is stemmed before the prefix "*": "comparing", "compared" and "compare" all find "compar".
importScripts(new URLSearchParams(self.location.search).get("worker"));

(function (clause) {
  lunr.Query.prototype.clause = function (c) {
    var word = c.term && /^[^*]+\*$/.test(c.term) ? c.term.slice(0, -1) : null;
    if (word) c.term = lunr.stemmer(new lunr.Token(word)).toString() + "*";
    return clause.call(this, c);
  };
})(lunr.Query.prototype.clause);
