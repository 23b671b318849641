/**
 * A deterministic synthetic corpus for the latency benchmark: 20 000 passages of city-service
 * prose drawn from a seeded generator (function words and a Zipf-distributed content
 * vocabulary of real words extended with pronounceable made-up ones), each with a `city` (one
 * of 20) and a `category` (one of 12), and 1000 queries of 2–4 distinct content words of a random passage (a quarter led by "how do
 * i" or "what is the") with a city to filter on. Same seed, same corpus.
 */

export interface Passage {
  id: string;
  title: string;
  body: string;
  city: string;
  category: string;
}

export interface CorpusQuery {
  text: string;
  city: string;
}

export const CITIES = [
  "Springfield",
  "Riverton",
  "Lakeside",
  "Fairview",
  "Greenville",
  "Kingston",
  "Milford",
  "Ashland",
  "Clinton",
  "Dover",
  "Franklin",
  "Georgetown",
  "Hudson",
  "Jackson",
  "Lebanon",
  "Madison",
  "Newport",
  "Oxford",
  "Salem",
  "Winchester",
];

export const CATEGORIES = [
  "health",
  "parks",
  "library",
  "transport",
  "housing",
  "permits",
  "waste",
  "taxes",
  "schools",
  "safety",
  "water",
  "events",
];

const FUNCTION_WORDS = (
  "the of and to a in is for on that with as are be by this it or from at your you can will " +
  "an if not have all may which their when who any more our how what should do also been"
).split(" ");
const FUNCTION_SET = new Set(FUNCTION_WORDS);

const CONTENT_WORDS = (
  "city resident service office hours open close monday tuesday weekend holiday library book " +
  "card loan return fine park trail playground pool permit license application fee payment " +
  "online form street parking ticket bus route schedule fare station bike lane road repair " +
  "pothole snow removal trash recycling compost pickup collection bin bulk item water sewer " +
  "bill meter leak outage power emergency fire police report noise complaint animal dog cat " +
  "shelter adoption vaccine clinic appointment test health department food inspection " +
  "restaurant housing rent assistance program tenant landlord inspection building code zoning " +
  "variance hearing council meeting agenda minutes vote election ballot register voter poll " +
  "tax property assessment exemption senior discount youth camp summer class registration " +
  "school enrollment bus stop crossing guard museum exhibit ticket event festival concert " +
  "market farmer vendor business grant small loan tree planting garden community center gym " +
  "court tennis field reservation rental hall wedding marriage birth certificate record " +
  "request public information privacy data portal website account password phone number " +
  "email address change mail notice deadline extension penalty refund credit card cash " +
  "check office location downtown north south east west district neighborhood map directions " +
  "accessible wheelchair ramp elevator interpreter language translation coronavirus mask " +
  "distance symptom fever cough quarantine isolation travel guidance update daily weekly"
).split(/\s+/);

const SYLLABLES = (
  "ba be bi bo bu ca ce co da de di do fa fe fi ga ge go ha he hi ka ke ko la le li lo lu " +
  "ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi wa we " +
  "ar er in on an en or ul el il"
).split(" ");

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples an index in [0, n) with probability ∝ 1 / (rank + 1)^s. */
function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += 1 / (i + 1) ** s;
  return () => {
    const x = random() * total;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface CorpusOptions {
  passages?: number;
  queries?: number;
  vocabulary?: number;
  seed?: number;
}

/** Builds the corpus and its queries; deterministic for given options. */
export function buildCorpus(options: CorpusOptions = {}): {
  passages: Passage[];
  queries: CorpusQuery[];
} {
  const { passages: count = 20_000, queries: queryCount = 1000, vocabulary = 6000 } = options;
  const random = seededRandom(options.seed ?? 20_240_601);
  const int = (n: number) => Math.floor(random() * n);
  const words = [...CONTENT_WORDS];
  const known = new Set(words);
  while (words.length < vocabulary) {
    let w = "";
    for (let k = 2 + int(2); k > 0; k--) w += SYLLABLES[int(SYLLABLES.length)];
    if (known.has(w)) continue;
    known.add(w);
    words.push(w);
  }
  const content = zipfSampler(words.length, 1, random);
  const functional = zipfSampler(FUNCTION_WORDS.length, 1, random);
  const sentence = (length: number) => {
    const out: string[] = [];
    for (let i = 0; i < length; i++) {
      out.push(random() < 0.4 ? FUNCTION_WORDS[functional()] : words[content()]);
    }
    out[0] = out[0][0].toUpperCase() + out[0].slice(1);
    return out.join(" ") + ".";
  };
  const passages: Passage[] = [];
  for (let i = 0; i < count; i++) {
    const sentences = Array.from({ length: 2 + int(5) }, () => sentence(6 + int(14)));
    passages.push({
      id: `p${i}`,
      title: Array.from({ length: 3 + int(5) }, () => words[content()]).join(" "),
      body: sentences.join(" "),
      city: CITIES[int(CITIES.length)],
      category: CATEGORIES[int(CATEGORIES.length)],
    });
  }
  const queries: CorpusQuery[] = [];
  for (let q = 0; q < queryCount; q++) {
    const source = passages[int(count)];
    const pool = [
      ...new Set(
        `${source.title} ${source.body}`.toLowerCase().replace(/[.]/g, "")
          .split(" "),
      ),
    ].filter((w) => !FUNCTION_SET.has(w));
    const picked = Array.from({ length: 2 + int(3) }, () => pool[int(pool.length)]);
    const lead = random() < 0.25
      ? (random() < 0.5 ? ["how", "do", "i"] : ["what", "is", "the"])
      : [];
    queries.push({ text: [...lead, ...picked].join(" "), city: CITIES[int(CITIES.length)] });
  }
  return { passages, queries };
}
