/**
 * Which catalogue region tags a nominee from a country may enter. Countries are ISO 3166-1 alpha-2 codes;
 * every country may enter "worldwide" categories.
 */
const COUNTRY_TAGS: Record<string, string[]> = {
  US: ["US"],
  CA: ["canada"],
  MX: ["latin-america"], BR: ["latin-america"], AR: ["latin-america"], CL: ["latin-america"], CO: ["latin-america"], PE: ["latin-america"],
  DE: ["germany", "europe"], AT: ["austria", "europe"], CH: ["switzerland", "europe"],
  GB: ["europe"], IE: ["europe"], FR: ["europe"], ES: ["europe"], IT: ["europe"], NL: ["europe"], BE: ["europe"], SE: ["europe"],
  NO: ["europe"], DK: ["europe"], FI: ["europe"], PL: ["europe"], PT: ["europe"], CZ: ["europe"], GR: ["europe"], RO: ["europe"], HU: ["europe"],
  AU: ["australia", "asia-pacific"], NZ: ["new-zealand", "asia-pacific"], CN: ["china", "asia-pacific"], HK: ["hong-kong", "asia-pacific"],
  IN: ["india", "asia-pacific"], ID: ["indonesia", "asia-pacific"], JP: ["japan", "asia-pacific"], KR: ["korea", "asia-pacific"],
  MY: ["malaysia", "asia-pacific"], PH: ["philippines", "asia-pacific"], SG: ["singapore", "asia-pacific"], TW: ["taiwan", "asia-pacific"],
  TH: ["thailand", "asia-pacific"], VN: ["vietnam", "asia-pacific"], PK: ["asia-pacific"], BD: ["asia-pacific"], LK: ["asia-pacific"],
  FJ: ["asia-pacific"], PG: ["asia-pacific"], MO: ["asia-pacific"],
  AE: ["uae", "mena", "middle-east"], SA: ["saudi-arabia", "mena", "middle-east"], QA: ["qatar", "mena", "middle-east"],
  KW: ["kuwait", "mena", "middle-east"], BH: ["bahrain", "mena", "middle-east"], OM: ["oman", "mena", "middle-east"],
  JO: ["jordan", "mena", "middle-east"], LB: ["lebanon", "mena", "middle-east"], IQ: ["mena", "middle-east"], IL: ["middle-east"],
  EG: ["egypt", "mena", "africa"], MA: ["morocco", "mena", "africa"], TN: ["tunisia", "mena", "africa"], DZ: ["mena", "africa"], LY: ["mena", "africa"],
  NG: ["africa"], KE: ["africa"], ZA: ["africa"], GH: ["africa"], ET: ["africa"], RW: ["africa"], TZ: ["africa"], UG: ["africa"],
};

/** The region tags open to a nominee from this country, or undefined when we don't know the country. */
export function regionTagsFor(country: string): string[] | undefined {
  const tags = COUNTRY_TAGS[country.toUpperCase()];
  return tags ? ["worldwide", ...tags] : undefined;
}
