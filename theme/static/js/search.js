/* Site search on the search page (tim-kiem/): a small UI of our own on
   Pagefind's JavaScript API (pagefind.js, written by plugins/search).

   Shards: plugins/search writes one Pagefind bundle per year (one for
   pages, one for the newest quarter) and lists them in
   pagefind/shards.json. This script loads
   Pagefind's runtime (pagefind.js, its worker and WebAssembly) from the
   first bundle only and merges the others into the same search
   (mergeIndex, Pagefind's multi-site search): one result list ranked by
   Pagefind's score across shards, filters counted over all of them. A
   merged index keeps the options it was merged with (pagefind.options()
   reaches the first bundle only), so exact-diacritics search runs on a
   second instance (createInstance) whose every bundle is merged with
   exactDiacritics on; it is made on the first query typed with diacritics,
   and shares the worker and the WebAssembly of the first.

   Why not Pagefind's default UI: its labels are English unless translated,
   it builds results from HTML strings, and its result count is not a live
   region. This one speaks Vietnamese, builds every result with textContent
   and createElement (no HTML string is ever parsed, excerpts included),
   announces counts in a role="status" region and keeps its state in the
   address (?q=…&chuyen-muc=…&nam=…), so a search can be shared or reloaded.

   Progressive enhancement: the page is a plain GET form. Without this
   script a notice says search needs JavaScript and links to the sections
   and archives; the filters and the "more" button stay `hidden`.

   "đ": the index spells "đ"/"Đ" as "ḓ"/"Ḓ" (see plugins/search), letters
   that Pagefind folds to "d" as it folds "â" to "a". Queries are spelled the
   same way; excerpts are turned back into "đ" before they are shown.
   A query typed with diacritics lists the pages that match it exactly
   first (Pagefind's exactDiacritics search), then the folded matches.

   Needs a browser with ES modules and WebAssembly, as Pagefind does; an
   older one keeps the notice. No third-party code, no other site. */
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root || !window.URLSearchParams) return;

  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 300;
  var EXCERPT_WORDS = 30;
  var form = root.querySelector("[data-search-form]");
  var input = form.querySelector("input[name=q]");
  var filterBox = root.querySelector("[data-search-filters]");
  var selects = Array.prototype.slice.call(filterBox.querySelectorAll("select[data-filter]"));
  var status = root.querySelector("[data-search-status]");
  var list = root.querySelector("[data-search-results]");
  var more = root.querySelector("[data-search-more]");
  var notice = root.querySelector("[data-search-nojs]");
  var siteRoot = new URL(root.getAttribute("data-site-root"), location.href);
  var baseTitle = document.title;
  var collator = new Intl.Collator("vi");

  var pagefind = null;       // the module: every shard, folded diacritics
  var exactSearch = null;    // promise of the exact-diacritics instance, made on first use
  var bundles = [];          // the shards' bundle URLs, from shards.json
  var results = [];          // Pagefind results of the current search, exact matches first
  var shown = 0;
  var current = { query: "", filters: {} };
  var generation = 0;        // bumped by every new search; older work stops
  var queue = Promise.resolve();  // one search at a time, in the order typed
  var timer = null;

  function encodeQuery(text) {
    return text.normalize("NFC").replace(/\u1e13/g, "d").replace(/\u1e12/g, "D")
      .replace(/đ/g, "\u1e13").replace(/Đ/g, "\u1e12");
  }
  function decode(text) {
    return text.replace(/\u1e13/g, "đ").replace(/\u1e12/g, "Đ");
  }
  function hasDiacritics(text) {
    var nfd = text.normalize("NFD");
    return /[đĐ]/.test(text) || /[\u0300-\u036f]/.test(nfd);
  }

  /* The excerpt: about EXCERPT_WORDS words of the page's plain text around
     its best match, matched words in <mark>. Built here from Pagefind's
     `content` (plain text) and `locations` (indexes of matched words), not
     from its HTML `excerpt`: nothing is parsed as HTML, and the window is
     centred on the query's words in the query's order ("dang bo" →
     "Đảng bộ") rather than on the densest scatter of single syllables
     ("đang" … "bỏ"), which is what Pagefind picks for a query typed without
     diacritics. The title's words (already the heading) are skipped when
     the body matches too. */
  function bare(word, exact) {
    var text = decode(word).normalize("NFC").toLowerCase().replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, "");
    return exact ? text : text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  }

  function findPhrase(words, query, from, exact) {
    var terms = query.split(/\s+/).map(function (t) { return bare(t, exact); }).filter(Boolean);
    if (terms.length < 2) return -1;
    outer: for (var i = from; i + terms.length <= words.length; i++) {
      for (var k = 0; k < terms.length; k++) {
        if (bare(words[i + k], exact) !== terms[k]) continue outer;
      }
      return i;
    }
    return -1;
  }

  /* The window of EXCERPT_WORDS words holding the most matches. */
  function densest(sorted, floor) {
    var best = -1, anchor = floor;
    for (var lo = 0, hi = 0; hi < sorted.length; hi++) {
      while (sorted[hi] - sorted[lo] >= EXCERPT_WORDS) lo++;
      if (hi - lo > best) { best = hi - lo; anchor = sorted[lo]; }
    }
    return anchor;
  }

  function excerptRange(words, locations, skip, query) {
    var sorted = locations.slice().sort(function (a, b) { return a - b; });
    var inBody = sorted.filter(function (p) { return p >= skip; });
    var floor = inBody.length ? skip : 0;
    var anchor = -1;
    var tries = [[floor, true], [floor, false], [0, true], [0, false]];
    for (var t = 0; t < tries.length && anchor < 0; t++) {
      anchor = findPhrase(words, query, tries[t][0], tries[t][1]);
    }
    var start;
    if (anchor >= 0) {
      start = anchor - Math.floor(EXCERPT_WORDS / 3);
    } else {
      start = densest(inBody.length ? inBody : sorted, floor) - 4;
    }
    if (anchor >= 0 && anchor < floor) floor = 0;
    start = Math.max(floor, start);
    var end = Math.min(words.length, start + EXCERPT_WORDS);
    start = Math.max(floor, Math.min(start, end - EXCERPT_WORDS));
    return [start, end];
  }

  function excerptSegments(content, locations, skip, query) {
    var words = content.split(/\s+/);
    var marked = {};
    locations.forEach(function (p) { marked[p] = true; });
    var range = excerptRange(words, locations, skip, query);
    var segments = [];
    function push(text, mark) {
      if (!text) return;
      var last = segments[segments.length - 1];
      if (last && last.mark === mark) last.text += text;
      else segments.push({ text: text, mark: mark });
    }
    if (range[0] > 0) push("… ", false);
    for (var i = range[0]; i < range[1]; i++) {
      var word = decode(words[i]);
      if (i > range[0]) push(" ", !!(marked[i] && marked[i - 1]) && !/[\p{P}\p{S}]$/u.test(words[i - 1]));
      var parts = /^([\p{P}\p{S}]*)(.*?)([\p{P}\p{S}]*)$/u.exec(word);
      if (!marked[i] || !parts[2]) { push(word, false); continue; }
      push(parts[1], false);
      push(parts[2], true);
      push(parts[3], false);
    }
    if (range[1] < words.length) push(" …", false);
    return segments;
  }

  function appendExcerpt(target, data) {
    var title = (data.meta && data.meta.title) || "";
    var skip = title ? title.split(/\s+/).length : 0;
    excerptSegments(String(data.content || ""), data.locations || [], skip, current.query).forEach(function (segment) {
      if (segment.mark) {
        var mark = document.createElement("mark");
        mark.textContent = segment.text;
        target.appendChild(mark);
      } else {
        target.appendChild(document.createTextNode(segment.text));
      }
    });
  }

  function linkFor(data) {
    var meta = data.meta || {};
    try {
      var url = new URL(meta.link || String(data.url || "").replace(/^\//, ""), siteRoot);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) { return null; }
  }

  function renderItem(data) {
    var meta = data.meta || {};
    var item = document.createElement("li");
    item.className = "search-result";
    var heading = document.createElement("h2");
    heading.className = "search-result__title";
    var link = document.createElement("a");
    var href = linkFor(data);
    if (href) link.href = href;
    link.textContent = meta.title || "";
    heading.appendChild(link);
    item.appendChild(heading);
    if (meta.category || meta.date) {
      var line = document.createElement("p");
      line.className = "meta search-result__meta";
      if (meta.category) {
        var category = document.createElement("span");
        category.className = "search-result__category";
        category.textContent = meta.category;
        line.appendChild(category);
      }
      if (meta.category && meta.date) {
        var sep = document.createElement("span");
        sep.className = "meta__sep";
        sep.setAttribute("aria-hidden", "true");
        sep.textContent = "|";
        line.appendChild(sep);
      }
      if (meta.date) {
        var when = document.createElement("span");
        when.appendChild(document.createTextNode("Ngày đăng "));
        var time = document.createElement("time");
        if (meta.datetime) time.setAttribute("datetime", meta.datetime);
        time.textContent = meta.date;
        when.appendChild(time);
        line.appendChild(when);
      }
      item.appendChild(line);
    }
    var excerpt = document.createElement("p");
    excerpt.className = "search-result__excerpt";
    appendExcerpt(excerpt, data);
    item.appendChild(excerpt);
    return item;
  }

  function termCount(term) {
    return term.split(/[\s\p{P}]+/u).filter(Boolean).length;
  }

  /* Longest run of consecutive word positions among a result's matches. */
  function longestRun(words) {
    var sorted = words.slice().sort(function (a, b) { return a - b; });
    var best = sorted.length ? 1 : 0;
    for (var i = 1, run = 1; i < sorted.length; i++) {
      if (sorted[i] === sorted[i - 1] + 1) run += 1;
      else if (sorted[i] !== sorted[i - 1]) run = 1;
      if (run > best) best = run;
    }
    return best;
  }

  /* Order: exact matches (same diacritics as typed) first, then the others;
     within each, pages where the query's words stand side by side ("dang bo"
     → "Đảng bộ", a two-syllable word) before pages that only hold them
     apart ("đang" … "bỏ"); then Pagefind's own score. A query typed without
     diacritics is ambiguous syllable by syllable, so adjacency is what tells
     the word apart. */
  function rank(exact, folded, terms) {
    var seen = {};
    var merged = [];
    function add(list, tier) {
      list.forEach(function (result) {
        if (seen[result.id]) return;
        seen[result.id] = true;
        var together = terms > 1 && longestRun(result.words || []) >= terms;
        merged.push({ result: result, key: tier * 2 + (together ? 0 : 1), index: merged.length });
      });
    }
    add(exact, 0);
    add(folded, 1);
    merged.sort(function (a, b) { return a.key - b.key || a.index - b.index; });
    return merged.map(function (entry) { return entry.result; });
  }

  function currentFilters() {
    var filters = {};
    selects.forEach(function (select) {
      if (select.value) filters[select.getAttribute("data-filter")] = select.value;
    });
    return filters;
  }

  function scopeText(filters) {
    var parts = [];
    if (filters.category) parts.push("chuyên mục " + filters.category);
    if (filters.year) parts.push("năm " + filters.year);
    return parts.length ? " trong " + parts.join(", ") : "";
  }

  function summary() {
    var quoted = "“" + current.query + "”" + scopeText(current.filters);
    if (!results.length) {
      return "Không tìm thấy kết quả cho " + quoted + ". Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc.";
    }
    var text = "Tìm thấy " + results.length + " kết quả cho " + quoted + ".";
    if (shown < results.length) text += " Đang hiển thị " + shown + " kết quả đầu tiên.";
    return text;
  }

  function syncAddress(query) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    selects.forEach(function (select) { if (select.value) params.set(select.name, select.value); });
    var search = params.toString();
    try { history.replaceState(null, "", location.pathname + (search ? "?" + search : "")); } catch (e) { /* file:// */ }
    document.title = query ? query + " – " + baseTitle : baseTitle;
  }

  async function showMore(mine, focusFirst) {
    var slice = results.slice(shown, shown + PAGE_SIZE);
    var data = await Promise.all(slice.map(function (result) { return result.data(); }));
    if (mine !== generation) return false;
    var first = null;
    data.forEach(function (entry) {
      var item = renderItem(entry);
      list.appendChild(item);
      if (!first) first = item;
    });
    shown += slice.length;
    more.hidden = shown >= results.length;
    if (focusFirst && first) first.querySelector("a").focus();
    return true;
  }

  async function runSearch(query, filters, mine) {
    if (mine !== generation) return;  // a newer search is waiting
    if (!query) {
      results = [];
      shown = 0;
      list.textContent = "";
      more.hidden = true;
      status.textContent = "";
      return;
    }
    // A broad query on a large site can take a while: say so if it does.
    var busy = setTimeout(function () { if (mine === generation) status.textContent = "Đang tìm…"; }, 400);
    try {
      await findAndShow(query, filters, mine);
    } finally {
      clearTimeout(busy);
    }
  }

  /* Pagefind with exactDiacritics on every shard: an instance of its own,
     since options set on the module reach only the first bundle. */
  function exactInstance() {
    if (!exactSearch) {
      exactSearch = (async function () {
        var instance = pagefind.createInstance({ exactDiacritics: true });
        await instance.init();
        await Promise.all(bundles.slice(1).map(function (bundle) {
          return instance.mergeIndex(bundle, { exactDiacritics: true });
        }));
        return instance;
      })();
      exactSearch.catch(function () { exactSearch = null; });  // try again next time
    }
    return exactSearch;
  }

  async function findAndShow(query, filters, mine) {
    var term = encodeQuery(query);
    var searches = [pagefind.search(term, { filters: filters })];
    if (hasDiacritics(query)) {
      searches.push(exactInstance().then(function (exact) { return exact.search(term, { filters: filters }); }));
    }
    var found = await Promise.all(searches);
    var folded = found[0].results;
    var exact = found[1] ? found[1].results : [];
    if (mine !== generation) return;
    results = rank(exact, folded, termCount(term));
    shown = 0;
    current = { query: query, filters: filters };
    list.textContent = "";
    if (await showMore(mine, false)) status.textContent = summary();
  }

  function failed(error) {
    status.textContent = "Không tìm kiếm được lúc này. Mời bạn thử lại sau, hoặc tìm theo Chuyên mục và Lưu trữ.";
    notice.hidden = false;
    if (window.console) console.error(error);
  }

  function search(updateAddress) {
    clearTimeout(timer);
    var query = input.value.trim();
    var filters = currentFilters();
    var mine = ++generation;
    if (updateAddress) syncAddress(query);
    queue = queue.then(function () { return runSearch(query, filters, mine); }).catch(failed);
    return queue;
  }

  function fillFilters(all) {
    selects.forEach(function (select) {
      var key = select.getAttribute("data-filter");
      var values = Object.keys(all[key] || {});
      values.sort(key === "year" ? function (a, b) { return Number(b) - Number(a); } : collator.compare);
      values.forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value;
        select.appendChild(option);
      });
    });
  }

  /* The shards' bundle URLs from shards.json, asked again on every visit
     (cache: "no-cache": a 304 when unchanged), so a new year's shard is
     never missed. Same-origin URLs are passed as paths: Pagefind compares
     them with the first bundle's path. */
  async function loadManifest() {
    var manifest = new URL(root.getAttribute("data-pagefind-shards"), location.href);
    var response = await fetch(manifest.href, { cache: "no-cache" });
    if (!response.ok) throw new Error("search: " + manifest.href + " " + response.status);
    var shards = (await response.json()).shards || [];
    if (!shards.length) throw new Error("search: no shards in " + manifest.href);
    return shards.map(function (shard) {
      var url = new URL(shard, manifest);
      return url.origin === location.origin ? url.pathname : url.href;
    });
  }

  async function init() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    notice.hidden = true;
    try {
      bundles = await loadManifest();
      pagefind = await import(new URL(bundles[0] + "pagefind.js", location.href).href);
      await pagefind.init();
      await Promise.all(bundles.slice(1).map(function (bundle) { return pagefind.mergeIndex(bundle); }));
      fillFilters(await pagefind.filters());
    } catch (error) {
      failed(error);
      return;
    }
    selects.forEach(function (select) {
      var wanted = params.get(select.name);
      if (wanted && Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
        select.value = wanted;
      }
      select.addEventListener("change", function () { search(true); });
    });
    filterBox.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      search(true);
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(true); }, DEBOUNCE_MS);
    });
    more.addEventListener("click", function () {
      var mine = generation;
      queue = queue.then(function () {
        return showMore(mine, true).then(function (ok) { if (ok) status.textContent = summary(); });
      }).catch(failed);
    });
    if (input.value.trim()) search(false);
  }

  init();
})();
