// Masthead's search page: a small first-party client over Pagefind's JS API (no UI library).
// The form is a plain GET form (?q=&section=&sort=&tag=), so a search is a link; this script
// reads it, asks the Pagefind bundle in ../../pagefind/ (relative to this file, so it works
// under a GitHub Pages project path) and draws the results as story cards.
//
// Pagefind keeps one index per language and, by default, searches only the one of the page's
// <html lang>. A newsroom writes in Chinese and English, so this script opens the English index
// (when there is one) as the primary, for its English stemming, and merges the others from the
// same bundle (of each part of the bundle, see openPart). Chinese is opened as "zh-": Pagefind 1.5 finds the "zh" index from the part
// before the dash, but "zh-" is no valid language tag, so it skips its browser-side word
// splitting (Intl.Segmenter, which cuts differently from the indexer's dictionary: 新能源 →
// 新|能源, and then misses stories) and matches the query against the indexed words itself,
// which finds far more Chinese stories. This leans on Pagefind's internals (it is pinned to 1.5
// in pyproject.toml); tests/browser/test_search.py shows whether it still holds.
const config = JSON.parse(document.getElementById("mh-search-config").textContent);
const L = config.labels;
const root = document.getElementById("mh-search");
const form = root.querySelector(".mh-search__form");
const input = form.elements.q;
const status = root.querySelector(".mh-search__status");
const list = root.querySelector(".mh-search__results");
const more = root.querySelector(".mh-search__more");
const bundle = new URL("../../pagefind/", import.meta.url);
const PAGE_SIZE = 10;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

let pagefind = null;
let searchId = 0;
let stream = null;
let total = 0;

const indexLanguage = (lang) => (lang === "zh" ? "zh-" : lang.toLowerCase());
// Pagefind names each index by the lowercased <html lang> ("zh-hant" for Traditional Chinese).
const pageLanguage = (index) => (index === "zh-hant" ? "zh-Hant" : index);

// One part of the bundle (see masthead-parts.json, written by the build: a large newsroom is
// indexed in parts, Pagefind needing memory for every page it indexes at once). Each part is a
// bundle of its own, opened through its own copy of pagefind.js, so results say which part
// they came from.
async function openPart(base, languages) {
  const [primary, ...others] = languages.includes("en")
    ? ["en", ...languages.filter((l) => l !== "en")] : languages;
  const pf = await import(new URL("pagefind.js", base).href);
  // noWorker: search on this page's thread, as Pagefind did before 1.5, rather than fetch
  // pagefind-worker.js (41 KB, 12 KB compressed) for each part on a reader's first search.
  await pf.options({ excerptLength: 30, noWorker: true });
  // Pagefind takes the primary index's language from <html lang> when it starts; set it for
  // that one synchronous call and put the page's own back before anything is painted.
  const html = document.documentElement;
  const pageLang = html.getAttribute("lang");
  html.setAttribute("lang", indexLanguage(primary));
  const started = pf.init();
  if (pageLang === null) html.removeAttribute("lang");
  else html.setAttribute("lang", pageLang);
  await started;
  // The same bundle again under another language. The trailing "./" keeps the path from
  // equalling the primary's, which mergeIndex would skip as a duplicate; fetch normalises it.
  for (const lang of others) {
    await pf.mergeIndex(`${base.pathname}./`, { language: indexLanguage(lang) });
  }
  return pf;
}

function openPagefind() {
  pagefind ??= (async () => {
    const wanted = config.languages.length ? config.languages : [config.lang];
    const response = await fetch(new URL("masthead-parts.json", bundle));
    if (!response.ok) throw new Error(`masthead-parts.json: HTTP ${response.status}`);
    const opened = [];
    for (const part of (await response.json()).parts) {
      const languages = wanted.filter((l) => part.languages.includes(l.toLowerCase()));
      if (languages.length) opened.push(openPart(new URL(part.path, bundle), languages));
    }
    return Promise.all(opened);
  })();
  pagefind.catch(() => { pagefind = null; });  // let the next search try again
  return pagefind;
}

// Every part's results, best first (Pagefind's own order when it merges indexes), each with the
// index it came from: its part and language.
async function searchParts(parts, query, options) {
  const responses = await Promise.all(parts.map((pf) => pf.search(query, options)));
  const found = responses.flatMap((response, part) => response.results.map(
    (result) => ({ result, index: `${part} ${result.id.split("_")[0]}` })));
  return found.sort((a, b) => b.result.score - a.result.score);
}

function readState() {
  const params = new URLSearchParams(window.location.search);
  return {
    q: (params.get("q") || "").trim(),
    section: Object.hasOwn(config.sections, params.get("section") || "") ? params.get("section") : "",
    sort: params.get("sort") === "date" ? "date" : "",
    tag: (params.get("tag") || "").trim(),
  };
}

function writeState(state) {
  const params = new URLSearchParams();
  for (const key of ["q", "section", "sort", "tag"]) if (state[key]) params.set(key, state[key]);
  const query = params.toString();
  window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
}

function fillForm(state) {
  input.value = state.q;
  form.elements.section.value = state.section;
  form.elements.sort.value = state.sort;
  form.elements.tag.value = state.tag;
  const old = root.querySelector(".mh-search__tag");
  if (old) old.remove();
  if (!state.tag) return;
  const chip = document.createElement("p");
  chip.className = "mh-search__tag";
  chip.append(`${L.tag}: `);
  const name = document.createElement("strong");
  name.textContent = state.tag;
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "mh-search__tag-remove";
  remove.setAttribute("aria-label", L.remove_tag);
  remove.textContent = "×";
  remove.addEventListener("click", () => {
    form.elements.tag.value = "";
    submit();
  });
  chip.append(name, " ", remove);
  form.after(chip);
}

function formState() {
  return {
    q: input.value.trim(),
    section: form.elements.section.value,
    sort: form.elements.sort.value,
    tag: form.elements.tag.value,
  };
}

// Results of every index, best first, or newest first: Pagefind ranks each index's results by
// date when asked (its score is then the place in that index's order), so the newest-first
// order across indexes is made here, reading the date of each index's next result only when
// needed.
async function* ordered(found, newestFirst) {
  if (!newestFirst) {
    for (const { result } of found) yield [result, await result.data()];
    return;
  }
  const groups = new Map();
  for (const { result, index } of found) {
    if (!groups.has(index)) groups.set(index, []);
    groups.get(index).push(result);
  }
  const heads = await Promise.all([...groups.values()].map(async (items) => (
    { items, at: 0, data: await items[0].data() })));
  while (heads.length) {
    let best = 0;
    for (let i = 1; i < heads.length; i++) {
      if (Date.parse(heads[i].data.meta.date) > Date.parse(heads[best].data.meta.date)) best = i;
    }
    const head = heads[best];
    yield [head.items[head.at], head.data];
    head.at += 1;
    if (head.at < head.items.length) head.data = await head.items[head.at].data();
    else heads.splice(best, 1);
  }
}

function formatDate(iso) {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  if (!y || !m || !d) return "";
  return config.lang.startsWith("zh") ? `${y}年${m}月${d}日` : `${d} ${MONTHS[m - 1]} ${y}`;
}

// Pagefind's excerpt is text with <mark> around the matched words: keep those, nothing else,
// and drop the zero-width spaces Pagefind puts between the Chinese words it cut.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const nodes = [];
  for (const node of parsed.body.firstChild.childNodes) {
    const text = node.textContent.replaceAll("\u200b", "");
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = text;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(text));
    }
  }
  return nodes;
}

function card(result, data) {
  const meta = data.meta || {};
  const url = new URL(data.url, window.location.href);
  const lang = result.id.split("_")[0];
  const item = document.createElement("li");
  const article = document.createElement("article");
  article.className = "mh-card mh-search__result";
  if (/^[a-z]{2}(-hant)?$/.test(lang) && pageLanguage(lang) !== config.lang) article.lang = pageLanguage(lang);
  if (meta.image) {
    article.classList.add("mh-card--image");
    const media = document.createElement("a");
    media.className = "mh-card__media";
    media.href = url.href;
    media.tabIndex = -1;
    media.setAttribute("aria-hidden", "true");
    const img = document.createElement("img");
    img.src = new URL(meta.image, url).href;
    img.alt = "";
    img.loading = "lazy";
    media.append(img);
    article.append(media);
  }
  const body = document.createElement("div");
  body.className = "mh-card__body";
  const slug = (data.filters && data.filters.section && data.filters.section[0]) || "";
  if (slug) {
    const kicker = document.createElement("p");
    kicker.className = "mh-card__kicker";
    kicker.textContent = config.sections[slug] || meta.section || slug;
    body.append(kicker);
  }
  const title = document.createElement("h2");
  title.className = "mh-card__title";
  const link = document.createElement("a");
  link.href = url.href;
  link.textContent = meta.title || url.pathname;
  title.append(link);
  body.append(title);
  if (data.excerpt) {
    const excerpt = document.createElement("p");
    excerpt.className = "mh-card__summary";
    excerpt.append(...excerptNodes(data.excerpt));
    body.append(excerpt);
  }
  if (meta.date) {
    const when = document.createElement("p");
    when.className = "mh-card__meta";
    const time = document.createElement("time");
    time.dateTime = meta.date;
    time.textContent = formatDate(meta.date);
    when.append(time);
    body.append(when);
  }
  article.append(body);
  item.append(article);
  return item;
}

// The next page of results, drawn at once when all of it is loaded.
async function showMore(id) {
  more.hidden = true;
  const cards = [];
  let done = false;
  while (cards.length < PAGE_SIZE && !done) {
    const next = await stream.next();
    if (id !== searchId) return;
    done = next.done;
    if (!done) cards.push(card(...next.value));
  }
  list.append(...cards);
  more.hidden = done || list.children.length >= total;
}

async function search(state) {
  const id = ++searchId;
  const filters = {};
  if (state.section) filters.section = state.section;
  if (state.tag) filters.tag = state.tag;
  if (!state.q && !Object.keys(filters).length) {
    list.replaceChildren();
    status.textContent = "";
    more.hidden = true;
    return;
  }
  status.textContent = L.loading;
  let found;
  try {
    const parts = await openPagefind();
    const options = { filters };
    if (state.sort === "date") options.sort = { date: "desc" };
    found = await searchParts(parts, state.q || null, options);
  } catch (error) {
    console.warn("Masthead search:", error);
    if (id === searchId) status.textContent = L.failed;
    return;
  }
  if (id !== searchId) return;
  const n = found.length;
  total = n;
  stream = ordered(found, state.sort === "date");
  list.replaceChildren();
  await showMore(id);
  if (id === searchId) {
    status.textContent = n === 0 ? L.none : n === 1 ? L.one_result : L.results.replace("{n}", n);
  }
}

function submit() {
  const state = formState();
  writeState(state);
  fillForm(state);
  search(state);
}

let typing = 0;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(typing);
  submit();
});
input.addEventListener("input", () => {
  window.clearTimeout(typing);
  typing = window.setTimeout(submit, 300);
});
for (const select of form.querySelectorAll("select")) select.addEventListener("change", submit);
more.addEventListener("click", () => showMore(searchId));

const initial = readState();
fillForm(initial);
search(initial);
