#!/usr/bin/env node
// Generates server/catalog/data/catalog.json deterministically.
//
//   node server/catalog/generate.mjs            # write the file
//   node server/catalog/generate.mjs --check    # exit 1 if the file on disk is out of date
//
// Codes are assigned in declaration order within each group (PROGRAM-GROUP-NNN). To keep codes
// stable, only ever APPEND new base categories / split variants at the end of a group's list;
// never reorder or delete (retire a category by editing this file in a new catalogue version).
//
// Provenance: a category is "sourced" when its name and (if split) its split follow the publicly
// known structure of the Stevie programme it belongs to; "synthesised" when we generated the
// split (industry / size / region / sector) or the category itself to fill out the catalogue.
// All descriptions are our own words.

import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const VERSION = "2026.1";
const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, "data", "catalog.json");

// ---------------------------------------------------------------------------------------------
// Split dimensions
// ---------------------------------------------------------------------------------------------

const SIZE = {
  small: {
    suffix: "Small",
    clause: "with up to 100 employees, such as founder-led firms and lean owner-managed teams",
    kw: ["small business", "up to 100 employees"],
  },
  medium: {
    suffix: "Medium",
    clause: "with 101 to 2,500 employees, such as mid-market firms expanding into new sites, regions or product lines",
    kw: ["mid-size company", "101-2,500 employees"],
  },
  large: {
    suffix: "Large",
    clause:
      "with more than 2,500 employees, such as national or multinational enterprises run across several business units",
    kw: ["large enterprise", "over 2,500 employees"],
  },
};
const SIZES = ["small", "medium", "large"];

const IND = {
  automotive: {
    name: "Automotive & Transport Equipment",
    who: "carmakers, EV start-ups, auto-parts suppliers and builders of trucks, buses or rail equipment",
    focus: "vehicle launches, electrification progress, quality scores and dealer or fleet growth",
    kw: ["automotive", "electric vehicles"],
  },
  banking: {
    name: "Banking",
    who: "banks, credit unions, savings institutions and other deposit-taking lenders",
    focus: "deposit and loan growth, digital-banking adoption, credit quality and community lending",
    kw: ["banking", "credit union"],
  },
  businessProducts: {
    name: "Business Products",
    who: "makers and distributors of office equipment, industrial supplies, packaging and other goods sold to businesses",
    focus: "new product lines, distributor wins, margin improvement and B2B customer retention",
    kw: ["B2B products", "industrial supplies"],
  },
  businessServices: {
    name: "Business Services",
    who: "consultancies, staffing and recruitment firms, outsourcing providers, accounting and law practices",
    focus: "client retention, new service lines, utilisation and revenue per client",
    kw: ["professional services", "consulting"],
  },
  chemicals: {
    name: "Chemicals",
    who: "chemical, specialty-materials, coatings and plastics producers",
    focus: "process-safety records, specialty product launches, yield gains and emissions cuts",
    kw: ["chemicals", "materials"],
  },
  hardware: {
    name: "Computer Hardware",
    who: "makers of computers, servers, storage, semiconductors, peripherals and electronic components",
    focus: "design wins, shipment growth, supply-chain resilience and product reliability",
    kw: ["computer hardware", "semiconductors"],
  },
  itServices: {
    name: "Computer Services",
    who: "IT-services, managed-services, systems-integration, data-centre and hosting providers",
    focus: "service-level performance, project delivery, recurring-revenue growth and client renewals",
    kw: ["IT services", "managed services"],
  },
  software: {
    name: "Computer Software",
    who: "software publishers and SaaS vendors selling to consumers or businesses",
    focus: "annual recurring revenue, release cadence, customer adoption and net retention",
    kw: ["software", "SaaS"],
  },
  conglomerates: {
    name: "Conglomerates",
    who: "diversified holding groups running businesses in several unrelated industries",
    focus: "portfolio performance, capital allocation, acquisitions or divestments and cross-unit synergies",
    kw: ["conglomerate", "holding company"],
  },
  consumerDurables: {
    name: "Consumer Products - Durables",
    who: "makers of appliances, furniture, sporting goods, tools, bicycles and other long-life consumer goods",
    focus: "product launches, retail placement, warranty and return rates and brand growth",
    kw: ["consumer durables", "appliances"],
  },
  consumerNonDurables: {
    name: "Consumer Products - Non-Durables",
    who: "makers of packaged foods, beverages, cosmetics, apparel, household and personal-care goods",
    focus: "shelf velocity, new flavours or formulations, packaging changes and household penetration",
    kw: ["consumer packaged goods", "food and beverage"],
  },
  consumerServices: {
    name: "Consumer Services",
    who: "businesses serving households directly, such as fitness clubs, home services, personal care, childcare and subscription services",
    focus: "member or customer growth, satisfaction scores, repeat business and new locations",
    kw: ["consumer services", "home services"],
  },
  energy: {
    name: "Energy",
    who: "oil and gas producers, renewable-energy developers, power generators and energy-services firms",
    focus: "capacity added, safety performance, decarbonisation milestones and cost per unit produced",
    kw: ["energy", "renewables"],
  },
  financial: {
    name: "Financial Services",
    who: "asset and wealth managers, payment processors, brokerages, fintechs, specialty lenders and financial advisers",
    focus: "assets under management, transaction growth, client outcomes and a clean regulatory record",
    kw: ["financial services", "fintech"],
  },
  finance: {
    name: "Financial Services",
    who: "banks, insurers, asset managers, payment companies, fintechs and other financial institutions",
    focus: "customer growth, digital adoption, risk and compliance performance and client outcomes",
    kw: ["financial services", "banking", "insurance"],
  },
  health: {
    name: "Health Products & Services",
    who: "hospitals, clinics, home-health agencies, medical-device makers and other health-services providers",
    focus: "patient outcomes, access and wait times, safety measures and cost efficiency",
    kw: ["healthcare", "hospital"],
  },
  hospitality: {
    name: "Hospitality & Leisure",
    who: "hotels, resorts, restaurants, attractions, cruise lines and tour operators",
    focus: "occupancy or covers, guest reviews, new openings and repeat visits",
    kw: ["hospitality", "travel and tourism"],
  },
  insurance: {
    name: "Insurance",
    who: "life, health and property-casualty insurers, brokers, reinsurers and insurtechs",
    focus: "claims turnaround, combined ratio, policyholder growth and new coverage products",
    kw: ["insurance", "insurtech"],
  },
  internet: {
    name: "Internet & New Media",
    who: "online platforms, marketplaces, digital publishers, streaming services and social apps",
    focus: "active users, engagement, creator or seller growth and monetisation",
    kw: ["internet", "digital media"],
  },
  manufacturing: {
    name: "Manufacturing",
    who: "industrial, contract and precision manufacturers not covered by a more specific industry",
    focus: "throughput, defect rates, automation projects, plant safety and on-time delivery",
    kw: ["manufacturing", "factory"],
  },
  media: {
    name: "Media & Entertainment",
    who: "broadcasters, film and TV studios, publishers, music labels, games studios and live-entertainment promoters",
    focus: "audience growth, hit releases, new distribution deals and subscriber numbers",
    kw: ["media", "entertainment"],
  },
  mining: {
    name: "Metals & Mining",
    who: "miners, metal producers, smelters, refiners and scrap-metal recyclers",
    focus: "output, safety, land rehabilitation and community agreements",
    kw: ["mining", "metals"],
  },
  pharma: {
    name: "Pharmaceuticals & Biotechnology",
    who: "drug developers, biotech firms, generic-medicine makers and contract research organizations",
    focus: "trial milestones, regulatory approvals, launches and patient-access programmes",
    kw: ["pharmaceuticals", "biotech"],
  },
  realEstate: {
    name: "Real Estate & Construction",
    who: "property developers, homebuilders, construction and engineering firms, REITs and property managers",
    focus: "projects delivered on time and budget, occupancy, site safety and green-building certifications",
    kw: ["real estate", "construction"],
  },
  retail: {
    name: "Retail",
    who: "store-based and online retailers, grocery chains and direct-to-consumer brands",
    focus: "same-store sales, e-commerce growth, basket size and store openings",
    kw: ["retail", "e-commerce"],
  },
  telecom: {
    name: "Telecommunications",
    who: "mobile operators, broadband, cable and fibre providers and network-infrastructure companies",
    focus: "network coverage, subscriber growth, churn reduction and 5G or fibre roll-out",
    kw: ["telecommunications", "5G"],
  },
  transportation: {
    name: "Transportation & Logistics",
    who: "airlines, rail and bus operators, trucking, shipping, courier and third-party logistics providers",
    focus: "on-time performance, volume growth, fleet efficiency and safety",
    kw: ["transportation", "logistics"],
  },
  utilities: {
    name: "Utilities",
    who: "electricity, water, gas-distribution and waste-management utilities",
    focus: "reliability, outage reduction, network investment and customer affordability",
    kw: ["utilities", "water"],
  },
  education: {
    name: "Education & Training",
    who: "schools, colleges, universities, edtech firms and training providers",
    focus: "learner outcomes, enrolment, completion rates and access for under-served students",
    kw: ["education", "edtech"],
  },
  technology: {
    name: "Technology",
    who: "software, hardware, IT-services, internet and telecom companies",
    focus: "product releases, customer growth and technical milestones",
    kw: ["technology", "tech company"],
  },
  consumerProducts: {
    name: "Consumer Products",
    who: "makers and marketers of packaged goods, apparel, beauty, appliances and other consumer products",
    focus: "launches, retail distribution, brand growth and customer loyalty",
    kw: ["consumer products", "brands"],
  },
  publicServices: {
    name: "Public Services & Education",
    who: "government agencies, public bodies, schools, colleges and universities",
    focus: "service to citizens or students, response times and satisfaction",
    kw: ["public sector", "education"],
  },
  nonprofitSector: {
    name: "Non-Profit",
    who: "charities, foundations, NGOs, associations and other non-profit organizations",
    focus: "people served, funds raised, programme outcomes and volunteer engagement",
    kw: ["non-profit", "charity"],
    orgTypes: ["nonprofit"],
  },
  governmentSector: {
    name: "Government",
    who: "federal, state, provincial and local government agencies and public authorities",
    focus: "service improvements for citizens, cost savings and transparency",
    kw: ["government", "public sector"],
    orgTypes: ["government"],
  },
  allOther: {
    name: "All Other Industries",
    who: "organizations whose industry is not covered by a more specific split of this category",
    focus: "measurable results achieved during the eligibility period",
    kw: ["other industries"],
  },
};

// Industry sets used by the programmes.
const IND_ABA = [
  "automotive",
  "banking",
  "businessProducts",
  "businessServices",
  "chemicals",
  "hardware",
  "itServices",
  "software",
  "conglomerates",
  "consumerDurables",
  "consumerNonDurables",
  "consumerServices",
  "energy",
  "financial",
  "health",
  "hospitality",
  "insurance",
  "internet",
  "manufacturing",
  "media",
  "pharma",
  "realEstate",
  "retail",
  "telecom",
  "transportation",
  "utilities",
];
const IND_IBA = [
  "automotive",
  "banking",
  "businessServices",
  "chemicals",
  "hardware",
  "itServices",
  "software",
  "conglomerates",
  "consumerProducts",
  "energy",
  "financial",
  "health",
  "hospitality",
  "insurance",
  "manufacturing",
  "media",
  "mining",
  "pharma",
  "realEstate",
  "retail",
  "telecom",
  "transportation",
];
const IND_MID = [
  "businessServices",
  "finance",
  "software",
  "itServices",
  "consumerNonDurables",
  "health",
  "hospitality",
  "manufacturing",
  "media",
  "retail",
  "telecom",
  "transportation",
  "allOther",
];
// Split used by the Sales & Customer Service programme's department/team categories.
const IND_CS = [
  "transportation",
  "hardware",
  "software",
  "itServices",
  "finance",
  "health",
  "telecom",
  "hospitality",
  "publicServices",
  "retail",
  "allOther",
];
const IND_WOMEN = [
  "businessServices",
  "consumerProducts",
  "education",
  "energy",
  "finance",
  "health",
  "hospitality",
  "manufacturing",
  "media",
  "realEstate",
  "retail",
  "technology",
  "transportation",
  "nonprofitSector",
  "governmentSector",
  "allOther",
];
const IND_SECTOR6 = ["businessServices", "finance", "technology", "health", "consumerProducts", "allOther"];

// International Business Awards world regions.
const REGION = {
  apac: {
    name: "Asia-Pacific",
    where: "the Asia-Pacific region, including East, South and Southeast Asia, Australia and New Zealand",
    regions: ["asia-pacific"],
    kw: ["Asia-Pacific"],
  },
  europe: {
    name: "Europe",
    where: "Europe, including the UK, the EU member states, the Nordics, Switzerland and the Balkans",
    regions: ["europe"],
    kw: ["Europe"],
  },
  latam: {
    name: "Latin America",
    where: "Latin America and the Caribbean, from Mexico and Colombia to Brazil, Chile and Argentina",
    regions: ["latin-america"],
    kw: ["Latin America"],
  },
  mea: {
    name: "Middle East & Africa",
    where: "the Middle East and Africa, from the Gulf states and Turkey to Egypt, Nigeria, Kenya and South Africa",
    regions: ["middle-east", "africa"],
    kw: ["Middle East", "Africa"],
  },
  na: {
    name: "North America",
    where: "North America, meaning the United States and Canada",
    regions: ["US", "canada"],
    kw: ["North America", "USA", "Canada"],
  },
};
const REGIONS = ["apac", "europe", "latam", "mea", "na"];

// Asia-Pacific Stevie sector split.
const APAC_SECTOR = {
  computer: {
    name: "Computer Industries",
    who: "internet and new-media firms, computer-hardware makers, software developers and IT-services providers",
    kw: ["technology", "software"],
  },
  financial: {
    name: "Financial Services Industries",
    who: "banks, insurers, accounting firms, asset managers and fintechs",
    kw: ["financial services", "banking"],
  },
  otherServices: {
    name: "Other Service Industries",
    who: "service businesses outside finance, such as consultancies, logistics firms, hotels, hospitals and training providers",
    kw: ["services"],
  },
  telecom: {
    name: "Telecommunications Industries",
    who: "mobile, fixed-line, broadband and satellite operators and their network partners",
    kw: ["telecommunications"],
  },
  government: {
    name: "Government",
    who: "government ministries, agencies, statutory boards and local councils",
    kw: ["government", "public sector"],
    orgTypes: ["government"],
  },
  nonprofit: {
    name: "Non-Profit",
    who: "non-profit organizations, NGOs, charities and social enterprises",
    kw: ["non-profit", "NGO"],
    orgTypes: ["nonprofit"],
  },
  publicEnterprise: {
    name: "Public Enterprise",
    who: "state-owned or state-controlled companies such as national carriers, power utilities, postal services and development banks",
    kw: ["state-owned enterprise", "public enterprise"],
    orgTypes: ["government", "company"],
  },
  allOther: {
    name: "All Other Industries",
    who: "manufacturers, retailers, consumer-goods, energy, property and other companies outside the sector-specific splits",
    kw: ["manufacturing", "retail"],
  },
};
const APAC_SECTORS = Object.keys(APAC_SECTOR);

// Middle East & North Africa Stevie sector split.
const MENA_SECTOR = {
  government: {
    name: "Government",
    who: "federal, national and local government ministries, authorities and municipalities",
    kw: ["government", "public sector"],
    orgTypes: ["government"],
  },
  semiGovernment: {
    name: "Semi-Government & State-Owned",
    who: "government-related entities and state-owned companies such as national oil, airline, port and utility companies",
    kw: ["semi-government", "state-owned"],
    orgTypes: ["government", "company"],
  },
  financial: {
    name: "Private Sector - Financial Services",
    who: "private banks, Islamic-finance institutions, insurers, exchange houses and fintechs",
    kw: ["banking", "Islamic finance"],
    orgTypes: ["company"],
  },
  technology: {
    name: "Private Sector - Technology & Telecommunications",
    who: "telecom operators, software and IT-services companies and digital platforms",
    kw: ["technology", "telecommunications"],
    orgTypes: ["company"],
  },
  industry: {
    name: "Private Sector - Energy, Industry & Construction",
    who: "private energy, petrochemical, manufacturing, construction and real-estate companies",
    kw: ["energy", "construction"],
    orgTypes: ["company"],
  },
  otherPrivate: {
    name: "Private Sector - Other Industries",
    who: "retail, hospitality, healthcare, education, logistics and other private companies",
    kw: ["retail", "healthcare"],
    orgTypes: ["company"],
  },
  nonprofit: {
    name: "Non-Profit",
    who: "charities, foundations, NGOs, waqf bodies and social enterprises",
    kw: ["non-profit", "charity"],
    orgTypes: ["nonprofit"],
  },
};
const MENA_SECTORS = Object.keys(MENA_SECTOR);

// German Stevie industry split (German label first, English in brackets).
const DE_IND = {
  auto: {
    name: "Automobil & Mobilität (Automotive & Mobility)",
    who: "carmakers, suppliers and mobility providers from Wolfsburg and Stuttgart to Graz",
    focus: "model launches, electrification and supplier innovation",
    kw: ["Automobil", "Mobilität"],
  },
  industry: {
    name: "Industrie & Maschinenbau (Industry & Engineering)",
    who: "Mittelstand machine builders, industrial manufacturers and engineering firms",
    focus: "export growth, automation and Industrie 4.0 projects",
    kw: ["Maschinenbau", "Industrie 4.0"],
  },
  chemPharma: {
    name: "Chemie & Pharma (Chemicals & Pharmaceuticals)",
    who: "chemical, pharmaceutical, biotech and life-science companies, including Basel and Rhine-valley clusters",
    focus: "research milestones, approvals and sustainable production",
    kw: ["Chemie", "Pharma"],
  },
  finance: {
    name: "Finanzdienstleistungen & Versicherungen (Financial Services & Insurance)",
    who: "banks, Sparkassen, Volksbanken, insurers, asset managers and fintechs",
    focus: "digital banking, customer growth and risk management",
    kw: ["Bank", "Versicherung"],
  },
  it: {
    name: "IT & Software",
    who: "software houses, SaaS vendors, IT-service providers and system integrators",
    focus: "product releases, cloud growth and customer adoption",
    kw: ["Software", "IT-Dienstleister"],
  },
  telecomMedia: {
    name: "Telekommunikation & Medien (Telecommunications & Media)",
    who: "telecom carriers, broadcasters, publishers and digital-media houses",
    focus: "network roll-out, audience reach and new digital formats",
    kw: ["Telekommunikation", "Medien"],
  },
  retail: {
    name: "Handel & Konsumgüter (Retail & Consumer Goods)",
    who: "retailers, e-commerce shops, food producers and consumer-goods brands",
    focus: "store and online sales, brand growth and product launches",
    kw: ["Handel", "Konsumgüter"],
  },
  health: {
    name: "Gesundheitswesen (Healthcare)",
    who: "hospitals, clinics, care providers, health insurers and medtech firms",
    focus: "patient care, digital health and efficiency",
    kw: ["Gesundheitswesen", "Medizintechnik"],
  },
  energy: {
    name: "Energie & Versorgung (Energy & Utilities)",
    who: "Stadtwerke, energy suppliers, grid operators and renewable-energy developers",
    focus: "Energiewende progress, grid reliability and customer tariffs",
    kw: ["Energie", "Stadtwerke"],
  },
  logistics: {
    name: "Logistik & Transport (Logistics & Transport)",
    who: "logistics providers, freight forwarders, rail and public-transport operators",
    focus: "delivery performance, network efficiency and emissions reduction",
    kw: ["Logistik", "Transport"],
  },
  services: {
    name: "Dienstleistungen & Beratung (Services & Consulting)",
    who: "consultancies, agencies, staffing firms and other business-service providers",
    focus: "client results, new service lines and growth",
    kw: ["Beratung", "Dienstleistungen"],
  },
  public: {
    name: "Öffentlicher Sektor & Non-Profit (Public Sector & Non-Profit)",
    who: "federal, Länder and municipal bodies, associations, foundations and non-profits",
    focus: "citizen services, digital administration and social impact",
    kw: ["öffentlicher Sektor", "gemeinnützig"],
    orgTypes: ["government", "nonprofit"],
  },
};
const DE_INDS = Object.keys(DE_IND);

// ---------------------------------------------------------------------------------------------
// Variant builders. A variant is { suffix, clause(base) -> sentence, kw, sizes?, orgTypes?, regions? }.
// ---------------------------------------------------------------------------------------------

const who = (b) => b.who ?? "";
const open = (b) => b.open ?? "Open to";

function industryVariants(keys, table = IND) {
  return keys.map((k) => {
    const ind = table[k];
    return {
      suffix: ind.name,
      clause: (b) => `${open(b)} ${who(b)}${ind.who}${b.focus === false ? "" : `; strong entries show ${ind.focus}`}.`,
      kw: ind.kw,
      orgTypes: ind.orgTypes,
    };
  });
}

function sizeVariants() {
  return SIZES.map((s) => ({
    suffix: SIZE[s].suffix,
    clause: (b) => `${open(b)} ${who(b)}${b.sizeNoun ?? "organizations"} ${SIZE[s].clause}.`,
    kw: SIZE[s].kw,
    sizes: [s],
  }));
}

function industrySizeVariants(keys) {
  const out = [];
  for (const k of keys) {
    const ind = IND[k];
    for (const s of SIZES) {
      out.push({
        suffix: `${ind.name} - ${SIZE[s].suffix}`,
        clause: (b) =>
          `${open(b)} ${who(b)}${ind.who} ${SIZE[s].clause}${b.focus === false ? "" : `; strong entries show ${ind.focus}`}.`,
        kw: [...ind.kw, SIZE[s].kw[0]],
        sizes: [s],
        orgTypes: ind.orgTypes,
      });
    }
  }
  return out;
}

function regionVariants(keys = REGIONS) {
  return keys.map((k) => {
    const r = REGION[k];
    return {
      suffix: r.name,
      clause: (b) => `${open(b)} ${who(b)}${b.regionNoun ?? "organizations"} based in ${r.where}.`,
      kw: r.kw,
      regions: r.regions,
    };
  });
}

function sectorVariants(table, keys) {
  return keys.map((k) => {
    const s = table[k];
    return {
      suffix: s.name,
      clause: (b) => `${open(b)} ${who(b)}${s.who}.`,
      kw: s.kw,
      orgTypes: s.orgTypes,
    };
  });
}

function orgTypeVariants() {
  return [
    {
      suffix: "For-Profit",
      clause: (b) => `${open(b)} ${who(b)}privately or publicly owned companies run for profit, of any size.`,
      kw: ["company"],
      orgTypes: ["company"],
    },
    {
      suffix: "Non-Profit",
      clause: (b) =>
        `${open(b)} ${who(b)}charities, foundations, associations, NGOs and other non-profit organizations.`,
      kw: ["non-profit", "charity"],
      orgTypes: ["nonprofit"],
    },
    {
      suffix: "Government",
      clause: (b) => `${open(b)} ${who(b)}government departments, agencies, public authorities and state-run bodies.`,
      kw: ["government", "public sector"],
      orgTypes: ["government"],
    },
  ];
}

/** Custom variant list: [suffix, clause sentence, keywords[], overrides?]. */
function listVariants(rows) {
  return rows.map(([suffix, sentence, kw, extra]) => ({ suffix, clause: () => sentence, kw, ...(extra ?? {}) }));
}

// ---------------------------------------------------------------------------------------------
// Base-category helpers. A base category:
//   { name, text, kw, nominee, orgTypes?, sizes?, formats?, who?, open?, focus?, sizeNoun?, regionNoun?,
//     split?: variant[], sourced: boolean, splitSourced?: boolean }
// `text` may use {org} and {place}, replaced by the programme's phrases.
// ---------------------------------------------------------------------------------------------

const ORG = ["organization"];
const TEAM = ["team"];
const IND_P = ["individual"];
const PRODUCT = ["product"];
const CAMPAIGN = ["campaign"];

const c = (name, text, kw, nominee, opts = {}) => ({ name, text, kw, nominee, sourced: true, ...opts });
const s = (name, text, kw, nominee, opts = {}) => ({ name, text, kw, nominee, sourced: false, ...opts });

// ---------------------------------------------------------------------------------------------
// Programmes
// ---------------------------------------------------------------------------------------------

const PROGRAMS = [];

PROGRAMS.push({
  code: "ABA",
  name: "The American Business Awards",
  geography: "Organizations operating in the USA: public or private, for-profit or non-profit, of any size",
  season:
    "Entries open in autumn and close in early spring; winners are announced in late spring and celebrated in June",
  description:
    "The longest-running Stevie programme and the main US business awards, covering company performance, executives, marketing, PR, customer service, HR, IT, new products and media. Entrants compete against peers of similar size and industry.",
  url: "https://stevieawards.com/aba",
  regions: ["US"],
  org: "a U.S.-operating organization",
  place: "in the United States",
  groups: [
    {
      short: "CORP",
      name: "Company & Organization Awards",
      items: [
        c(
          "Company of the Year",
          "Recognises {org} for its overall performance over the past year: growth, profitability, reputation and how it handled setbacks.",
          ["company of the year", "best company"],
          ORG,
          { split: industrySizeVariants(IND_ABA), splitSourced: true },
        ),
        c(
          "Most Innovative Company of the Year",
          "For {org} whose new products, business models or internal practices changed how it competes, backed by evidence such as revenue from new offerings or patents granted.",
          ["innovation", "innovative company"],
          ORG,
          { split: sizeVariants(), splitSourced: true },
        ),
        s(
          "Fastest-Growing Company of the Year",
          "For {org} that posted exceptional growth in revenue, customers or headcount over the last two to three years, with figures that show the trend.",
          ["fast growth", "revenue growth"],
          ORG,
          { split: sizeVariants() },
        ),
        c(
          "Startup of the Year",
          "For a young U.S. business, typically trading for less than four years, that has found product-market fit, won early customers or investors and built a credible team.",
          ["startup", "new business", "early stage"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"] },
        ),
        c(
          "Tech Startup of the Year",
          "For a young U.S. technology venture, such as a software, hardware or deep-tech company, that has shipped a product, signed paying customers or raised a notable funding round.",
          ["tech startup", "venture-backed"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"] },
        ),
        c(
          "Comeback of the Year",
          "For {org} that recovered from a serious setback such as near-insolvency, a product recall, a disaster or a lost major customer, and is growing again.",
          ["turnaround", "recovery", "comeback"],
          ORG,
        ),
        c(
          "Non-Profit Organization of the Year",
          "For a U.S. charity, foundation, association or other non-profit that expanded its reach, improved programme outcomes or strengthened its finances during the year.",
          ["non-profit", "charity", "foundation"],
          ORG,
          { orgTypes: ["nonprofit"] },
        ),
        s(
          "Government Organization of the Year",
          "For a U.S. federal, state or local government agency that measurably improved services to the public, cut costs or modernised how it operates.",
          ["government agency", "public sector"],
          ORG,
          { orgTypes: ["government"] },
        ),
        c(
          "Corporate Social Responsibility Program of the Year",
          "For a community, social or philanthropic programme run by {org}, judged on the need it addresses, employee involvement and measured outcomes for beneficiaries.",
          ["CSR", "community", "philanthropy"],
          ["organization", "campaign"],
        ),
        s(
          "Environmental Sustainability Program of the Year",
          "For a programme at {org} that cut emissions, waste, water or energy use, or built a circular product line, with before-and-after data.",
          ["sustainability", "ESG", "carbon reduction"],
          ["organization", "campaign"],
        ),
      ],
    },
    {
      short: "MGMT",
      name: "Management Awards",
      items: [
        c(
          "Executive of the Year",
          "Honours a senior executive of {org}, such as a CEO, president or managing director, for leadership that delivered results during the year.",
          ["executive", "CEO", "leadership"],
          IND_P,
          { who: "executives at ", split: industryVariants(IND_ABA), splitSourced: true },
        ),
        c(
          "Management Team of the Year",
          "For the top leadership team of {org} acting together on strategy, a transformation or a crisis, judged on what the team achieved rather than any one person.",
          ["management team", "leadership team"],
          TEAM,
          { who: "leadership teams at ", focus: false, split: industryVariants(IND_MID), splitSourced: true },
        ),
        c(
          "Founder of the Year",
          "For the person who started {org} and led it from an idea to a functioning business, with evidence of customers, revenue or funding and the culture the founder built.",
          ["founder", "entrepreneur"],
          IND_P,
        ),
        c(
          "Maverick of the Year",
          "For an unconventional leader {place} who took an unpopular or contrarian bet, ignored industry orthodoxy and was proven right by results.",
          ["maverick", "disruptor", "contrarian"],
          IND_P,
        ),
        c(
          "Lifetime Achievement Award",
          "For a business leader {place} whose career of several decades shaped a company, an industry or a community, judged on sustained contribution rather than the last year.",
          ["lifetime achievement", "legacy"],
          IND_P,
        ),
        s(
          "Chief Financial Officer of the Year",
          "For the CFO or finance chief of {org} who strengthened the balance sheet, led a financing, IPO, acquisition or cost programme, or modernised finance operations.",
          ["CFO", "finance executive"],
          IND_P,
        ),
        s(
          "Chief Operating Officer of the Year",
          "For the COO or operations head of {org} who improved efficiency, quality or delivery across plants, stores, offices or supply chains.",
          ["COO", "operations executive"],
          IND_P,
        ),
        s(
          "Chief Technology Officer of the Year",
          "For the CTO or chief engineering officer of {org} who set the technical direction, shipped major platforms or built a strong engineering organisation.",
          ["CTO", "engineering leader"],
          IND_P,
        ),
        s(
          "General Counsel of the Year",
          "For the chief legal officer or general counsel of {org} who handled major litigation, regulatory change or deals, or made the legal function faster and cheaper.",
          ["general counsel", "legal department"],
          IND_P,
        ),
        s(
          "Chief Sustainability Officer of the Year",
          "For the executive who leads ESG and climate strategy at {org}, judged on emissions reductions, reporting quality and business results of sustainability work.",
          ["CSO", "sustainability leader"],
          IND_P,
        ),
        c(
          "Thought Leader of the Year",
          "For a person at {org} whose research, writing, speaking or standards work changed how peers think about a problem, evidenced by publications, citations or adoption of their ideas.",
          ["thought leadership", "speaker", "author"],
          IND_P,
          { who: "thought leaders at ", focus: false, split: industryVariants(IND_SECTOR6) },
        ),
      ],
    },
    {
      short: "ENT",
      name: "Entrepreneur Awards",
      items: [
        c(
          "Entrepreneur of the Year",
          "For a founder or owner-operator {place} who built a business from scratch or transformed an acquired one, judged on growth, risk taken and jobs created.",
          ["entrepreneur", "business owner", "founder"],
          IND_P,
          { who: "entrepreneurs running ", split: industryVariants(IND_MID), splitSourced: true },
        ),
        s(
          "Social Entrepreneur of the Year",
          "For the founder of a mission-driven business or non-profit venture {place} that tackles a social or environmental problem with a self-sustaining model.",
          ["social enterprise", "impact"],
          IND_P,
          { orgTypes: ["company", "nonprofit", "startup"] },
        ),
      ],
    },
    {
      short: "CS",
      name: "Customer Service Awards",
      items: [
        c(
          "Customer Service Department of the Year",
          "For the entire customer-service function of {org}, across every channel and location, judged on satisfaction scores, resolution times and improvements made.",
          ["customer service", "support department"],
          TEAM,
          { split: sizeVariants(), splitSourced: true },
        ),
        c(
          "Contact Center of the Year",
          "For an in-house or outsourced contact centre serving U.S. customers, judged on service levels, first-contact resolution, agent retention and quality programmes.",
          ["contact center", "call center"],
          TEAM,
          { split: sizeVariants(), sizeNoun: "contact centres of organizations" },
        ),
        c(
          "Customer Service Team of the Year",
          "For a defined customer-service team at {org}, such as an escalations, onboarding or technical-support squad, rather than the whole department.",
          ["support team", "customer care"],
          TEAM,
        ),
        c(
          "Customer Service Professional of the Year",
          "For an individual front-line agent, specialist or supervisor {place} whose customer care stood out, evidenced by customer feedback, quality scores and peer recognition.",
          ["customer service agent", "support representative"],
          IND_P,
        ),
        c(
          "Customer Service Executive of the Year",
          "For the executive who leads customer service or customer experience at {org} and raised loyalty, satisfaction or efficiency across the function.",
          ["customer service leader", "CX executive"],
          IND_P,
        ),
        c(
          "Innovation in Customer Service",
          "For a new tool, process or policy at {org} that changed the customer's experience, such as AI-assisted support, proactive outreach or a simplified returns process.",
          ["customer service innovation", "AI support"],
          ["organization", "team"],
        ),
        s(
          "Customer Experience Program of the Year",
          "For an end-to-end programme at {org} that mapped the customer journey, removed pain points and showed gains in retention, NPS or effort scores.",
          ["customer experience", "CX", "NPS"],
          ["organization", "campaign"],
        ),
      ],
    },
    {
      short: "HR",
      name: "Human Resources Awards",
      items: [
        c(
          "Human Resources Executive of the Year",
          "For the chief people officer or HR head of {org} who reshaped hiring, pay, culture or workforce planning with measurable effects on retention and engagement.",
          ["HR executive", "CHRO"],
          IND_P,
        ),
        c(
          "Human Resources Team of the Year",
          "For the HR department of {org} judged on programmes delivered in the year, such as benefits redesign, restructuring support or HR-system roll-outs.",
          ["HR team", "people team"],
          TEAM,
        ),
        c(
          "Achievement in Workplace Diversity & Inclusion",
          "For initiatives at {org} that widened representation, closed pay gaps or made the workplace more accessible, with data on results.",
          ["diversity", "inclusion", "DEI"],
          ["organization", "campaign"],
        ),
        s(
          "Employee Engagement Initiative of the Year",
          "For a programme at {org} that raised engagement-survey scores, lowered turnover or improved internal communication.",
          ["employee engagement", "culture"],
          ["organization", "campaign"],
        ),
        s(
          "Employee Health & Wellbeing Program of the Year",
          "For physical, mental or financial wellbeing support at {org}, such as counselling, flexible schedules or health incentives, with participation and outcome data.",
          ["wellness", "mental health", "benefits"],
          ["organization", "campaign"],
        ),
        c(
          "Talent Acquisition Team of the Year",
          "For the recruiting team of {org} that filled hard roles faster, improved candidate experience or diversified its hiring pipeline.",
          ["recruiting", "talent acquisition"],
          TEAM,
        ),
        s(
          "Learning & Development Program of the Year",
          "For training, upskilling or leadership-development programmes at {org} that produced measurable skills, promotions or performance gains.",
          ["training", "upskilling", "L&D"],
          ["organization", "campaign"],
        ),
      ],
    },
    {
      short: "IT",
      name: "Information Technology Awards",
      items: [
        c(
          "IT Team of the Year",
          "For the internal IT organization of {org}, judged on reliability, projects delivered and how technology supported the business during the year.",
          ["IT department", "IT team"],
          TEAM,
        ),
        c(
          "IT Executive of the Year",
          "For the CIO or IT head of {org} who led a modernisation, consolidated systems or enabled new digital business.",
          ["CIO", "IT leader"],
          IND_P,
        ),
        s(
          "Cybersecurity Team of the Year",
          "For the security-operations or information-security team of {org} that hardened defences, handled incidents or reduced risk in measurable ways.",
          ["cybersecurity", "security operations"],
          TEAM,
        ),
        s(
          "Cloud Migration Project of the Year",
          "For a project at {org} that moved core workloads or data to public or hybrid cloud, with results on cost, resilience or speed of delivery.",
          ["cloud migration", "AWS", "Azure"],
          ["team", "organization"],
        ),
        c(
          "Digital Transformation Initiative of the Year",
          "For a multi-year programme at {org} that digitised processes, products or customer channels, judged on adoption and business results.",
          ["digital transformation", "modernisation"],
          ["organization", "team"],
        ),
        s(
          "AI Implementation of the Year",
          "For a production deployment of machine learning or generative AI inside {org}, such as forecasting, document processing or an internal assistant, with measured impact.",
          ["artificial intelligence", "machine learning", "generative AI"],
          ["organization", "team"],
        ),
        s(
          "Data & Analytics Initiative of the Year",
          "For a data platform, analytics programme or data-governance effort at {org} that improved decisions, with examples of what changed.",
          ["data analytics", "business intelligence"],
          ["organization", "team"],
        ),
      ],
    },
    {
      short: "MKT",
      name: "Marketing Awards",
      items: [
        c(
          "Marketing Campaign of the Year",
          "For a single marketing campaign run {place}, judged on the objective, creative idea, channels used and results such as sales, leads or awareness lift.",
          ["marketing campaign", "advertising"],
          CAMPAIGN,
          { who: "campaigns run by or for ", focus: false, split: industryVariants(IND_MID), splitSourced: true },
        ),
        c(
          "Marketing Executive of the Year",
          "For the CMO or marketing head of {org} who repositioned the brand, rebuilt the marketing team or drove growth through marketing.",
          ["CMO", "marketing leader"],
          IND_P,
        ),
        c(
          "Marketing Team of the Year",
          "For the marketing department or a marketing squad at {org}, judged on the body of work in the year and its commercial effect.",
          ["marketing team", "marketing department"],
          TEAM,
        ),
        c(
          "Brand Renovation of the Year",
          "For a rebrand at {org}, whether a new name, identity, positioning or packaging, judged on rationale, execution and how customers responded.",
          ["rebrand", "brand identity"],
          CAMPAIGN,
        ),
        s(
          "Content Marketing Program of the Year",
          "For a sustained content programme, such as editorial hubs, guides, research reports or video series, that built audience and pipeline for {org}.",
          ["content marketing", "editorial"],
          CAMPAIGN,
        ),
        s(
          "Social Media Campaign of the Year",
          "For a campaign built mainly on social platforms such as TikTok, Instagram, LinkedIn or YouTube for {org}, with engagement and conversion results.",
          ["social media", "TikTok", "Instagram"],
          CAMPAIGN,
        ),
        s(
          "Influencer Marketing Campaign of the Year",
          "For a campaign {place} that worked with creators or influencers, judged on fit of partners, authenticity and reach or sales generated.",
          ["influencer marketing", "creators"],
          CAMPAIGN,
        ),
        s(
          "Experiential Marketing Campaign of the Year",
          "For pop-ups, tours, sponsorship activations or immersive experiences staged by {org} that put the brand in people's hands.",
          ["experiential", "brand activation"],
          CAMPAIGN,
        ),
        s(
          "B2B Marketing Campaign of the Year",
          "For a campaign aimed at business buyers, such as account-based marketing, webinars or trade programmes, run by {org}, with pipeline and revenue results.",
          ["B2B marketing", "account-based marketing", "demand generation"],
          CAMPAIGN,
        ),
        s(
          "Product Launch Campaign of the Year",
          "For the go-to-market campaign that introduced a new product or service from {org}, judged on launch-day reach, trial and early sales.",
          ["product launch", "go-to-market"],
          CAMPAIGN,
        ),
        s(
          "Cause Marketing Campaign of the Year",
          "For a campaign in which {org} linked its brand to a social cause, judged on authenticity, funds or awareness raised and brand effect.",
          ["cause marketing", "purpose"],
          CAMPAIGN,
        ),
      ],
    },
    {
      short: "SOFT",
      name: "New Product Awards - Software & Digital",
      items: [
        c(
          "New Product of the Year - Artificial Intelligence / Machine Learning Solution",
          "For software launched or significantly upgraded by {org} whose core value comes from machine learning, such as prediction, vision or language models.",
          ["AI", "machine learning", "AI software"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Generative AI Solution",
          "For a product launched by {org} built on large language or diffusion models, such as copilots, AI agents or content-generation tools, with evidence of users and guardrails.",
          ["generative AI", "LLM", "AI agent", "copilot"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Business Intelligence & Analytics Solution",
          "For dashboards, analytics platforms or reporting tools from {org} that help businesses turn data into decisions.",
          ["business intelligence", "analytics", "dashboards"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Cloud Application or Service",
          "For a cloud-native application, platform or infrastructure service released by {org}, judged on scale, reliability and customer uptake.",
          ["cloud", "SaaS platform", "PaaS"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Collaboration Solution",
          "For messaging, video-meeting, document-sharing or whiteboard software from {org} that helps teams work together.",
          ["collaboration", "remote work", "video conferencing"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Customer Relationship Management Solution",
          "For CRM or customer-data software from {org} that manages contacts, pipelines, service cases or customer journeys.",
          ["CRM", "customer data platform"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Cybersecurity Solution",
          "For a security product from {org}, such as endpoint, network, identity, email or cloud-security software, judged on threats stopped and ease of deployment.",
          ["cybersecurity", "security software", "zero trust"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Database & Data Management Solution",
          "For a database, data-integration, data-quality or data-warehouse product from {org}.",
          ["database", "data management", "data warehouse"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Developer Tools & DevOps Solution",
          "For software from {org} that helps engineers build, test, deploy or observe applications, such as CI/CD, APIs or observability tools.",
          ["DevOps", "developer tools", "observability"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - E-Commerce Solution",
          "For online-store, checkout, marketplace or order-management software from {org} that helps merchants sell online.",
          ["e-commerce platform", "online store", "checkout"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Education & Learning Solution",
          "For edtech from {org}, such as learning-management systems, tutoring apps or assessment tools, with learner outcome data.",
          ["edtech", "LMS", "e-learning"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Enterprise Resource Planning Solution",
          "For ERP, finance, procurement or accounting software from {org} that runs back-office operations.",
          ["ERP", "accounting software", "procurement"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Financial Technology Solution",
          "For fintech software from {org}, such as digital banking, lending, wealth or regtech platforms.",
          ["fintech", "digital banking", "regtech"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Healthcare Technology Solution",
          "For digital-health software from {org}, such as telehealth, electronic health records, clinical decision support or patient apps.",
          ["healthtech", "telehealth", "EHR"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Human Resources Solution",
          "For HR, payroll, recruiting, learning or workforce-management software released by {org}.",
          ["HR software", "payroll", "HCM"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - IT Service Management Solution",
          "For help-desk, asset-management, monitoring or IT-automation software from {org} used by IT departments.",
          ["ITSM", "help desk", "IT automation"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Legal Technology Solution",
          "For contract-management, e-discovery, compliance or practice-management software from {org} used by legal teams and law firms.",
          ["legal tech", "contract management"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Marketing Solution",
          "For marketing-automation, advertising-technology, email, SEO or social-media-management software from {org}.",
          ["marketing automation", "adtech", "martech"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Mobile App for Consumers",
          "For a smartphone or tablet app from {org} aimed at consumers, judged on design, downloads, ratings and retention.",
          ["mobile app", "consumer app", "iOS", "Android"],
          ["app", "product"],
        ),
        c(
          "New Product of the Year - Mobile App for Business",
          "For a smartphone or tablet app from {org} used by employees or business customers, such as field-service or expense apps.",
          ["enterprise mobile app", "business app"],
          ["app", "product"],
        ),
        s(
          "New Product of the Year - Payments Solution",
          "For payment processing, digital wallets, buy-now-pay-later or cross-border payment products launched by {org}.",
          ["payments", "digital wallet", "BNPL"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Project & Work Management Solution",
          "For project-management, task-tracking or workflow-automation software from {org}.",
          ["project management", "workflow automation"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Real Estate & Property Technology Solution",
          "For proptech from {org}, such as property-management, listing, smart-building or construction-management software.",
          ["proptech", "construction tech"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Supply Chain & Logistics Solution",
          "For software from {org} that plans, tracks or optimises inventory, warehousing, transport or procurement.",
          ["supply chain software", "logistics", "inventory"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Video & Streaming Solution",
          "For streaming, video-hosting, live-production or video-editing software from {org}.",
          ["video streaming", "video platform"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Game",
          "For a video game or interactive-entertainment title released by a U.S. studio, judged on design, reviews, players and commercial results.",
          ["video game", "gaming"],
          PRODUCT,
        ),
      ],
    },
    {
      short: "PROD",
      name: "New Product Awards - Hardware, Consumer & Services",
      items: [
        c(
          "New Product of the Year - Consumer Electronics",
          "For a new phone, wearable, smart-home device, audio product or other consumer gadget launched by {org}.",
          ["consumer electronics", "wearable", "smart home"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Computer Hardware & Peripherals",
          "For a new computer, server, storage system, chip, display or peripheral brought to market by {org}.",
          ["hardware", "chips", "servers"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Networking & Telecom Equipment",
          "For routers, switches, radios, antennas, satellite terminals or other network gear introduced by {org}.",
          ["networking", "telecom equipment", "Wi-Fi"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Medical Device",
          "For a diagnostic, monitoring, surgical or therapeutic device from {org}, with evidence of clearance, clinical use and patient benefit.",
          ["medical device", "diagnostics", "medtech"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Industrial & Manufacturing Product",
          "For machinery, components, robotics, sensors or materials launched by {org} for industrial buyers.",
          ["industrial equipment", "robotics", "sensors"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Consumer Durable",
          "For a new appliance, piece of furniture, tool, sporting good or vehicle accessory from {org} built to last for years.",
          ["appliance", "consumer durable", "sporting goods"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Consumer Packaged Good",
          "For a new food, beverage, beauty, personal-care or household product from {org}.",
          ["CPG", "beauty", "personal care", "household"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Food & Beverage",
          "For a new packaged food, snack, drink or restaurant menu line from {org}, judged on taste, nutrition, sustainability and sales.",
          ["food", "beverage", "snack"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Automotive & Mobility",
          "For a vehicle, EV charger, mobility service or automotive component launched by {org}.",
          ["automotive", "EV charging", "mobility"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Energy & Clean Technology",
          "For batteries, solar, energy-efficiency, grid or carbon-capture products introduced by {org}.",
          ["cleantech", "solar", "batteries"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Financial Service",
          "For a new account, card, loan, insurance policy, investment product or other financial service offered by {org}.",
          ["financial product", "credit card", "insurance product"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Business Service",
          "For a new consulting, outsourcing, staffing, logistics or other service offered by {org} to business clients.",
          ["business service", "B2B service"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Telecommunications Service",
          "For a new mobile plan, broadband, 5G, IoT connectivity or communications service launched by {org}.",
          ["telecom service", "broadband", "5G"],
          PRODUCT,
        ),
        c(
          "Product Management Team of the Year",
          "For the product managers, designers and engineers at {org} who took a product from discovery to launch, judged on process and market results.",
          ["product management", "product team"],
          TEAM,
        ),
        c(
          "Achievement in Product Innovation",
          "For {org} that brought a genuinely novel product to market during the year, judged on technical originality and commercial traction.",
          ["product innovation", "breakthrough product"],
          ["organization", "product"],
          { split: sizeVariants() },
        ),
      ],
    },
    {
      short: "PR",
      name: "Communications & Public Relations Awards",
      items: [
        c(
          "Communications or PR Campaign of the Year",
          "For a public-relations or communications campaign run by or for {org}, judged on strategy, media and stakeholder response and measured outcomes.",
          ["public relations", "PR campaign", "communications"],
          CAMPAIGN,
          {
            splitSourced: true,
            split: listVariants([
              [
                "Crisis Communications",
                "This split is for responses to recalls, breaches, accidents, lay-offs or public controversies, judged on speed, candour and reputational recovery.",
                ["crisis communications", "reputation"],
              ],
              [
                "Community Relations",
                "This split is for outreach to neighbours, local groups and civic leaders around a site, project or programme.",
                ["community relations", "local engagement"],
              ],
              [
                "Product Launch",
                "This split is for earned-media and influencer work that introduced a product or service to press and buyers.",
                ["launch PR", "media relations"],
              ],
              [
                "Media Relations",
                "This split is for sustained press work that won coverage in target outlets, measured by placements, share of voice and message pull-through.",
                ["media coverage", "press"],
              ],
              [
                "Reputation & Brand Management",
                "This split is for campaigns that repositioned how the public, regulators or investors see the organization.",
                ["reputation management", "corporate brand"],
              ],
              [
                "Multicultural",
                "This split is for campaigns designed for Hispanic, Black, Asian-American, LGBTQ+ or other specific communities, in their language and media.",
                ["multicultural", "Hispanic market", "inclusive communications"],
              ],
              [
                "Cause-Related",
                "This split is for communications tied to a charitable cause, awareness month or social movement.",
                ["cause-related", "awareness campaign"],
              ],
              [
                "Internal Communications",
                "This split is for campaigns aimed at employees, such as change programmes, culture launches or merger integration messaging.",
                ["internal communications", "employee communications"],
              ],
              [
                "Investor Relations",
                "This split is for financial communications around earnings, IPOs, mergers or activist situations, aimed at shareholders and analysts.",
                ["investor relations", "financial communications", "IPO"],
              ],
              [
                "Public Affairs",
                "This split is for advocacy aimed at legislators, regulators or voters on a policy issue.",
                ["public affairs", "advocacy", "lobbying"],
              ],
            ]),
          },
        ),
        c(
          "Communications Team of the Year",
          "For the in-house PR, corporate-affairs or communications department of {org}, judged on its portfolio of work across the year.",
          ["communications team", "corporate affairs"],
          TEAM,
        ),
        c(
          "Communications Executive of the Year",
          "For the head of communications, PR or corporate affairs at {org} who protected or built its reputation.",
          ["communications director", "PR executive"],
          IND_P,
        ),
        c(
          "PR Agency of the Year",
          "For a U.S. public-relations or communications agency judged on client wins, retention, creative work and results delivered for clients.",
          ["PR agency", "communications agency"],
          ORG,
          { split: sizeVariants(), sizeNoun: "agencies" },
        ),
      ],
    },
    {
      short: "WEB",
      name: "Website & Digital Awards",
      items: [
        ...[
          [
            "Corporate",
            "corporate sites presenting a company, investor information and careers",
            ["corporate website"],
          ],
          ["Business-to-Business", "sites that sell to or generate leads from business buyers", ["B2B website"]],
          [
            "E-Commerce & Retail",
            "online shops and retail sites that take orders and payments",
            ["e-commerce website", "online shop"],
          ],
          ["Financial Services", "banking, insurance and investment sites and customer portals", ["banking website"]],
          [
            "Government",
            "federal, state and municipal sites that deliver public information and services",
            ["government website", "digital services"],
          ],
          [
            "Non-Profit",
            "charity and association sites that drive donations, volunteering and advocacy",
            ["non-profit website", "donations"],
          ],
          [
            "Health & Wellness",
            "hospital, clinic, pharma and wellness sites and patient portals",
            ["healthcare website", "patient portal"],
          ],
          [
            "Media & News",
            "news, magazine and entertainment sites that publish daily content",
            ["news website", "publishing"],
          ],
          ["Travel & Hospitality", "hotel, airline, destination and booking sites", ["travel website", "booking"]],
          ["Education", "school, university and learning-platform sites", ["education website"]],
        ].map(([suffix, what, kw]) =>
          s(
            `Website of the Year - ${suffix}`,
            `For a website launched or redesigned {place} among ${what}, judged on design, usability, accessibility, content and traffic or conversion results.`,
            ["website", "web design", ...kw],
            ["website"],
            { formats: ["written"] },
          ),
        ),
      ],
    },
    {
      short: "EVT",
      name: "Live & Virtual Event Awards",
      items: [
        s(
          "Conference of the Year",
          "For an in-person industry conference, summit or user event organised {place}, judged on programme, attendance, sponsor results and attendee feedback.",
          ["conference", "summit", "user conference"],
          ["event"],
        ),
        s(
          "Virtual or Hybrid Event of the Year",
          "For an online or hybrid event produced by {org}, judged on production quality, engagement tools and audience reached.",
          ["virtual event", "hybrid event", "webinar"],
          ["event"],
        ),
        s(
          "Trade Show Exhibit of the Year",
          "For a booth or exhibit built by {org} at a trade show, judged on design, traffic and leads captured.",
          ["trade show", "exhibit", "booth"],
          ["event"],
        ),
        s(
          "Employee Event of the Year",
          "For a sales kick-off, town hall, offsite or recognition event staged by {org} for its own staff.",
          ["sales kickoff", "company event", "town hall"],
          ["event"],
        ),
        s(
          "Fundraising Event of the Year",
          "For a gala, run, auction or other charity event held {place} that raised money for a cause.",
          ["fundraiser", "gala", "charity event"],
          ["event"],
          { orgTypes: ["nonprofit", "company"] },
        ),
      ],
    },
    {
      short: "PUB",
      name: "Publication & Content Awards",
      items: [
        c(
          "Annual Report of the Year",
          "For a printed or online annual, integrated or impact report published by {org}, judged on clarity, design and honesty about performance.",
          ["annual report", "integrated report"],
          ["publication"],
          { formats: ["written"] },
        ),
        s(
          "Newsletter of the Year",
          "For an email or print newsletter from {org} for customers, members or employees, judged on content, design and open or read rates.",
          ["newsletter", "email newsletter"],
          ["publication"],
          { formats: ["written"] },
        ),
        s(
          "Blog of the Year",
          "For a corporate or professional blog from {org} that builds an audience with useful, regularly published articles.",
          ["blog", "articles"],
          ["publication", "website"],
          { formats: ["written"] },
        ),
        s(
          "Podcast of the Year",
          "For an audio or video podcast series produced by {org}, judged on content, production and audience growth.",
          ["podcast", "audio series"],
          ["publication"],
          { formats: ["written-or-video"] },
        ),
        s(
          "Magazine of the Year",
          "For a customer, member or trade magazine published by {org} in print or digital form.",
          ["magazine", "trade publication"],
          ["publication"],
          { formats: ["written"] },
        ),
        s(
          "Research Report or White Paper of the Year",
          "For original research, a benchmark study or a white paper published by {org} that was cited by press or peers.",
          ["white paper", "research report", "survey"],
          ["publication"],
          { formats: ["written"] },
        ),
      ],
    },
    {
      short: "VID",
      name: "Video Awards",
      items: [
        s(
          "Brand Video of the Year",
          "For a brand film, commercial or corporate video made by or for {org}, judged on storytelling, craft and reach.",
          ["brand film", "commercial", "corporate video"],
          CAMPAIGN,
          { formats: ["video"] },
        ),
        s(
          "Training or Instructional Video of the Year",
          "For a how-to, onboarding, safety or product-training video produced by {org}.",
          ["training video", "how-to video"],
          ["publication"],
          { formats: ["video"] },
        ),
        s(
          "Recruitment Video of the Year",
          "For a video made by {org} to attract job candidates and show its workplace culture.",
          ["recruitment video", "employer brand video"],
          CAMPAIGN,
          { formats: ["video"] },
        ),
        s(
          "Documentary of the Year",
          "For a documentary or long-form factual film produced or sponsored by {org}.",
          ["documentary", "long-form video"],
          ["publication"],
          { formats: ["video"] },
        ),
        s(
          "Social Video of the Year",
          "For short-form video made for TikTok, Reels or YouTube Shorts by {org}, judged on creativity and engagement.",
          ["short-form video", "Reels", "TikTok video"],
          CAMPAIGN,
          { formats: ["video"] },
        ),
      ],
    },
    {
      short: "ACH",
      name: "Achievement Awards",
      items: [
        c(
          "Achievement in Growth",
          "For {org} that grew revenue, customers or market share markedly over the past one to two years, with the figures to prove it.",
          ["growth", "revenue growth", "market share"],
          ORG,
          { split: sizeVariants() },
        ),
        s(
          "Achievement in International Expansion",
          "For a U.S. organization that entered new countries, opened foreign offices or grew export sales during the year.",
          ["international expansion", "exports", "global growth"],
          ORG,
        ),
        s(
          "Achievement in Supply Chain & Operations",
          "For {org} that made its supply chain faster, cheaper or more resilient, for example through nearshoring, automation or supplier programmes.",
          ["supply chain", "operations excellence"],
          ["organization", "team"],
        ),
        s(
          "Achievement in Mergers & Acquisitions",
          "For a merger, acquisition or integration completed by {org}, judged on strategic rationale and how well the combined business performed.",
          ["M&A", "acquisition", "integration"],
          ["organization", "team"],
        ),
        s(
          "Achievement in Veteran Hiring & Support",
          "For {org} that recruited, trained and retained military veterans and spouses, with hiring and retention data.",
          ["veterans", "military hiring"],
          ["organization", "campaign"],
        ),
      ],
    },
  ],
});

PROGRAMS.push({
  code: "IBA",
  name: "The International Business Awards",
  geography: "Organizations of every type and size in every country, including the USA",
  season:
    "Entries open in early spring and close in early summer; winners are announced in late summer and honoured in the autumn",
  description:
    "The worldwide Stevie programme, open to organizations anywhere. It mirrors the American awards' structure with company, executive, marketing, PR, customer service, HR, IT and product categories, plus regional splits.",
  url: "https://stevieawards.com/iba",
  regions: ["worldwide"],
  org: "an organization in any country",
  place: "anywhere in the world",
  groups: [
    {
      short: "CORP",
      name: "Company & Organization Awards",
      items: [
        c(
          "Company of the Year",
          "Recognises {org} for its overall performance during the year, including growth, profitability, international reach and reputation.",
          ["company of the year", "best company"],
          ORG,
          { split: industrySizeVariants(IND_IBA), splitSourced: true },
        ),
        s(
          "Most Innovative Company of the Year",
          "For {org} whose innovations in products, services or business models set it apart in its home market, with evidence of adoption.",
          ["innovation", "innovative company"],
          ORG,
          { split: regionVariants() },
        ),
        c(
          "Startup of the Year",
          "For a young company, usually under four years old, that has validated its product, attracted customers or funding and built a founding team.",
          ["startup", "new venture"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"], split: regionVariants() },
        ),
        c(
          "Non-Profit or Government Organization of the Year",
          "For a charity, NGO, foundation or public agency {place} that widened its impact or transformed how it serves people.",
          ["non-profit", "NGO", "government"],
          ORG,
          { split: orgTypeVariants().slice(1) },
        ),
        c(
          "Corporate Social Responsibility Program of the Year",
          "For a community, humanitarian or philanthropic programme run by {org}, judged on need, reach and documented outcomes.",
          ["CSR", "social responsibility", "community"],
          ["organization", "campaign"],
          { split: regionVariants() },
        ),
        c(
          "Environmental Responsibility Program of the Year",
          "For a programme at {org} that reduced emissions, waste or resource use, restored ecosystems or launched circular products, with data.",
          ["environment", "sustainability", "net zero"],
          ["organization", "campaign"],
        ),
        s(
          "Tech Startup of the Year",
          "For a young technology company, typically under five years old, with a shipped product, paying customers or a significant funding round.",
          ["tech startup", "venture capital"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"], split: regionVariants() },
        ),
        c(
          "Comeback of the Year",
          "For {org} that returned to growth after a severe setback such as conflict, natural disaster, insolvency or loss of its main market.",
          ["turnaround", "comeback", "resilience"],
          ORG,
        ),
      ],
    },
    {
      short: "MGMT",
      name: "Management Awards",
      items: [
        c(
          "Executive of the Year",
          "Honours a chief executive, president or managing director of {org} for leadership that delivered measurable results in the year.",
          ["executive", "CEO", "managing director"],
          IND_P,
          { who: "executives at ", split: industryVariants(IND_IBA), splitSourced: true },
        ),
        c(
          "Management Team of the Year",
          "For the senior leadership team of {org} judged on what the team achieved together, such as a transformation, expansion or recovery.",
          ["management team", "executive team"],
          TEAM,
          { who: "leadership teams at ", focus: false, split: industryVariants(IND_MID), splitSourced: true },
        ),
        s(
          "Chief Executive of the Year",
          "For a CEO whose strategy and leadership of {org} produced strong results and set an example for business in the region.",
          ["CEO", "chief executive"],
          IND_P,
          { regionNoun: "chief executives of organizations", split: regionVariants() },
        ),
        c(
          "Founder of the Year",
          "For the founder of {org} who built it into a sustainable business, judged on growth, jobs created and the culture established.",
          ["founder", "entrepreneur"],
          IND_P,
        ),
        c(
          "Lifetime Achievement Award",
          "For a business leader {place} whose decades-long career shaped an organization, an industry or a national economy.",
          ["lifetime achievement", "legacy"],
          IND_P,
        ),
        c(
          "Thought Leader of the Year",
          "For a person {place} whose research, writing or speaking changed how an industry approaches a problem.",
          ["thought leadership", "author", "keynote"],
          IND_P,
        ),
        s(
          "Chief Financial Officer of the Year",
          "For the finance chief of {org} who led a major financing, listing, acquisition or cost transformation, or steered the company through currency or rate volatility.",
          ["CFO", "finance"],
          IND_P,
        ),
      ],
    },
    {
      short: "CS",
      name: "Customer Service Awards",
      items: [
        c(
          "Customer Service Department of the Year",
          "For the whole customer-service function of {org}, across channels and countries, judged on satisfaction, resolution and improvement data.",
          ["customer service department", "customer support"],
          TEAM,
          { regionNoun: "service departments of organizations", split: regionVariants() },
        ),
        c(
          "Customer Service Team of the Year",
          "For a specific customer-service team at {org}, such as a complaints, VIP, multilingual or technical-support team.",
          ["support team", "customer care team"],
          TEAM,
        ),
        c(
          "Customer Service Executive of the Year",
          "For the leader of customer service or customer experience at {org} who lifted loyalty and efficiency.",
          ["customer service executive", "CX leader"],
          IND_P,
        ),
        c(
          "Contact Center of the Year",
          "For an in-house or outsourced contact centre {place}, judged on service levels, quality assurance, agent engagement and multilingual capability.",
          ["contact center", "call center", "BPO"],
          TEAM,
          { split: sizeVariants(), sizeNoun: "contact centres of organizations" },
        ),
        c(
          "Innovation in Customer Service",
          "For a new channel, technology or policy at {org}, such as conversational AI, video support or proactive notifications, that improved service.",
          ["customer service innovation", "chatbot"],
          ["organization", "team"],
        ),
      ],
    },
    {
      short: "HR",
      name: "Human Resources & Workplace Awards",
      items: [
        c(
          "Human Resources Team of the Year",
          "For the HR department of {org} judged on programmes delivered across its countries of operation.",
          ["HR team", "people operations"],
          TEAM,
        ),
        c(
          "Human Resources Executive of the Year",
          "For the chief people officer of {org} who improved talent, culture and workforce outcomes.",
          ["CHRO", "HR director"],
          IND_P,
        ),
        s(
          "Employer of the Year",
          "For {org} with a workplace that stands out in its region for pay, development, wellbeing and culture, backed by survey and retention data.",
          ["employer of the year", "best workplace"],
          ORG,
          { split: regionVariants() },
        ),
        c(
          "Achievement in Workplace Diversity & Inclusion",
          "For initiatives at {org} that improved representation, inclusion or pay equity across gender, ethnicity, disability or age.",
          ["diversity", "inclusion", "equity"],
          ["organization", "campaign"],
        ),
        s(
          "Workplace Wellbeing Program of the Year",
          "For physical, mental or financial wellbeing support offered by {org} to employees, with participation and outcome data.",
          ["wellbeing", "mental health", "wellness"],
          ["organization", "campaign"],
        ),
      ],
    },
    {
      short: "IT",
      name: "Information Technology Awards",
      items: [
        c(
          "IT Team of the Year",
          "For the internal technology team of {org}, judged on reliability, projects delivered and business value created.",
          ["IT team", "technology department"],
          TEAM,
        ),
        c(
          "IT Executive of the Year",
          "For the CIO, CTO or CDO of {org} who led a major modernisation or digital programme.",
          ["CIO", "CDO", "IT leader"],
          IND_P,
        ),
        c(
          "Digital Transformation Initiative of the Year",
          "For a programme at {org} that digitised operations, products or customer channels at scale, with adoption and financial results.",
          ["digital transformation", "digitalisation"],
          ["organization", "team"],
        ),
        s(
          "Cybersecurity Initiative of the Year",
          "For a security programme at {org} that reduced risk, improved detection or met new regulation such as NIS2 or DORA.",
          ["cybersecurity", "NIS2", "security programme"],
          ["organization", "team"],
        ),
        s(
          "AI Implementation of the Year",
          "For machine learning or generative AI deployed in production at {org}, judged on measured business impact and responsible-AI controls.",
          ["artificial intelligence", "AI deployment"],
          ["organization", "team"],
        ),
      ],
    },
    {
      short: "MKT",
      name: "Marketing Awards",
      items: [
        c(
          "Marketing Campaign of the Year",
          "For a single marketing campaign run by {org}, judged on objectives, creative idea, channel mix and results.",
          ["marketing campaign", "advertising campaign"],
          CAMPAIGN,
          { who: "campaigns by ", focus: false, split: industryVariants(IND_MID), splitSourced: true },
        ),
        c(
          "Marketing Executive of the Year",
          "For the marketing chief of {org} who grew the brand or revenue through marketing, across one or many countries.",
          ["CMO", "marketing director"],
          IND_P,
        ),
        c(
          "Marketing Team of the Year",
          "For the marketing department of {org}, judged on the year's body of work and its commercial effect.",
          ["marketing team"],
          TEAM,
        ),
        c(
          "Brand Renovation of the Year",
          "For a rebrand or brand relaunch by {org}, including new names, identities or positioning, with customer response data.",
          ["rebrand", "brand relaunch"],
          CAMPAIGN,
        ),
        s(
          "Global Marketing Campaign of the Year",
          "For a campaign run by {org} across several countries or continents, judged on local adaptation, consistency and combined results.",
          ["global campaign", "multi-market"],
          CAMPAIGN,
        ),
        s(
          "Social Media Campaign of the Year",
          "For a campaign by {org} built mainly on social platforms, judged on engagement, community growth and conversions.",
          ["social media", "social campaign"],
          CAMPAIGN,
        ),
        s(
          "Sustainability Marketing Campaign of the Year",
          "For a campaign by {org} that communicated environmental or social commitments credibly and avoided greenwashing.",
          ["sustainability marketing", "green marketing"],
          CAMPAIGN,
        ),
      ],
    },
    {
      short: "PROD",
      name: "New Product & Service Awards",
      items: [
        c(
          "New Product of the Year - Artificial Intelligence Solution",
          "For AI software from {org}, including machine-learning platforms, vision or language models and AI agents.",
          ["AI", "machine learning", "AI agents"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Cloud Solution",
          "For a cloud application or infrastructure service released by {org}.",
          ["cloud", "SaaS"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Cybersecurity Solution",
          "For a security product from {org}, such as threat detection, identity, encryption or secure-access software.",
          ["cybersecurity product", "security"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Enterprise Software",
          "For business software from {org}, such as ERP, CRM, HR or collaboration suites.",
          ["enterprise software", "ERP", "CRM"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Financial Technology",
          "For a fintech product from {org}, such as mobile banking, payments, lending or insurance platforms.",
          ["fintech", "payments", "mobile banking"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Health & Medical Technology",
          "For a medical device, diagnostic, digital-health or health-data product from {org}.",
          ["healthtech", "medical device", "digital health"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Mobile App",
          "For a consumer or business app from {org}, judged on design, adoption and ratings.",
          ["mobile app", "app"],
          ["app", "product"],
        ),
        c(
          "New Product of the Year - Consumer Product",
          "For a new consumer good from {org}, such as food, beauty, household, apparel or electronics.",
          ["consumer product", "CPG"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Industrial Product",
          "For machinery, components, materials or industrial-automation products launched by {org}.",
          ["industrial product", "automation"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Clean Energy & Climate Technology",
          "For renewable-energy, storage, efficiency, electrification or carbon-management products from {org}.",
          ["cleantech", "climate tech", "renewables"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Business Service",
          "For a new professional, logistics, outsourcing or consulting service offered by {org} to businesses.",
          ["business service", "B2B"],
          PRODUCT,
        ),
        c(
          "New Product of the Year - Financial Service",
          "For a new banking, insurance, investment or payment service offered by {org} to consumers or businesses.",
          ["financial service", "insurance product"],
          PRODUCT,
        ),
        s(
          "New Product of the Year - Telecommunications Service",
          "For a new connectivity, mobile, satellite, IoT or communications service launched by {org}.",
          ["telecom service", "connectivity"],
          PRODUCT,
        ),
        c(
          "Achievement in Product Innovation",
          "For {org} that brought a genuinely new product or service to market in the year, with evidence of originality and customer uptake.",
          ["product innovation"],
          ["organization", "product"],
          { split: regionVariants() },
        ),
      ],
    },
    {
      short: "PR",
      name: "Communications & Public Relations Awards",
      items: [
        c(
          "Communications or PR Campaign of the Year",
          "For a PR or communications campaign by or for {org}, judged on strategy, execution and measured change in awareness or behaviour.",
          ["PR campaign", "communications campaign"],
          CAMPAIGN,
          {
            splitSourced: true,
            split: listVariants([
              [
                "Crisis Communications",
                "This split covers responses to emergencies, conflicts, cyber incidents, recalls or scandals affecting the organization internationally.",
                ["crisis communications"],
              ],
              [
                "Corporate Reputation",
                "This split covers campaigns that rebuilt or strengthened how stakeholders across markets see the organization.",
                ["corporate reputation"],
              ],
              [
                "Product or Service Launch",
                "This split covers PR that introduced a product or service to press, analysts and buyers in one or more countries.",
                ["launch PR"],
              ],
              [
                "Community Relations",
                "This split covers engagement with communities near operations, such as mines, plants, ports or offices.",
                ["community relations"],
              ],
              [
                "Cause-Related",
                "This split covers communications around a charitable cause, health issue or humanitarian appeal.",
                ["cause-related", "awareness"],
              ],
              [
                "Internal Communications",
                "This split covers employee communications across countries and languages, such as mergers, reorganisations or culture programmes.",
                ["internal communications"],
              ],
              [
                "Government & Public Sector",
                "This split covers public-information campaigns by governments and public bodies, such as health, safety or tax campaigns.",
                ["public information", "government communications"],
                { orgTypes: ["government"] },
              ],
              [
                "Low Budget",
                "This split covers campaigns that achieved outsized results on a budget under the equivalent of US$10,000.",
                ["low budget", "guerrilla PR"],
              ],
            ]),
          },
        ),
        c(
          "PR Agency of the Year",
          "For a communications or public-relations agency judged on growth, client retention and campaign results across its region.",
          ["PR agency", "communications consultancy"],
          ORG,
          { regionNoun: "agencies", split: regionVariants() },
        ),
        c(
          "Communications Team of the Year",
          "For the in-house communications or corporate-affairs team of {org}, judged on the year's work.",
          ["communications team", "corporate affairs"],
          TEAM,
        ),
      ],
    },
    {
      short: "MEDIA",
      name: "Website, Video, Event & Publication Awards",
      items: [
        s(
          "Website of the Year - Corporate",
          "For the corporate website of {org}, judged on design, multilingual content, accessibility and performance.",
          ["corporate website", "multilingual"],
          ["website"],
          { formats: ["written"] },
        ),
        s(
          "Website of the Year - E-Commerce",
          "For an online shop or marketplace run by {org}, judged on conversion, checkout experience and cross-border selling.",
          ["e-commerce website", "online marketplace"],
          ["website"],
          { formats: ["written"] },
        ),
        s(
          "Website of the Year - Public Sector & Non-Profit",
          "For a government, NGO or charity website {place}, judged on clarity, accessibility and the services delivered online.",
          ["government website", "NGO website"],
          ["website"],
          { formats: ["written"], orgTypes: ["government", "nonprofit"] },
        ),
        s(
          "Corporate Video of the Year",
          "For a brand, corporate or documentary video produced by or for {org}.",
          ["corporate video", "brand film"],
          CAMPAIGN,
          { formats: ["video"] },
        ),
        s(
          "Event of the Year",
          "For a conference, exhibition, product launch or virtual event staged by {org}, judged on audience, production and outcomes.",
          ["event", "conference", "exhibition"],
          ["event"],
        ),
        c(
          "Annual Report of the Year",
          "For an annual, integrated or sustainability report published by {org}, judged on transparency, design and readability.",
          ["annual report", "sustainability report"],
          ["publication"],
          { formats: ["written"] },
        ),
        s(
          "Podcast of the Year",
          "For a podcast series from {org}, judged on content quality, production and audience.",
          ["podcast"],
          ["publication"],
        ),
      ],
    },
    {
      short: "ACH",
      name: "Achievement Awards",
      items: [
        s(
          "Achievement in International Expansion",
          "For {org} that entered new countries, opened overseas operations or grew exports substantially during the year.",
          ["international expansion", "export growth"],
          ORG,
          { split: regionVariants() },
        ),
        s(
          "Achievement in Growth",
          "For {org} that grew revenue, customers or headcount strongly over one to two years, with audited or verifiable figures.",
          ["growth", "revenue growth"],
          ORG,
          { split: sizeVariants() },
        ),
        s(
          "Achievement in Social Impact",
          "For {org} that measurably improved lives through inclusive business models, access programmes or humanitarian work.",
          ["social impact", "inclusive business"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Supply Chain Resilience",
          "For {org} that kept goods flowing through disruption by diversifying suppliers, re-routing logistics or building inventory intelligence.",
          ["supply chain resilience", "logistics"],
          ["organization", "team"],
        ),
      ],
    },
  ],
});

PROGRAMS.push({
  code: "SAWIB",
  name: "The Stevie Awards for Women in Business",
  geography: "Women executives, entrepreneurs, employees and professionals, and the organizations they run, worldwide",
  season: "Entries open in spring and close in summer; winners are announced in the autumn and celebrated in November",
  description:
    "The Stevie programme dedicated to women's achievements in business and the organizations that support them, covering executives, entrepreneurs, innovators, mentors, women-led companies and programmes that advance women.",
  url: "https://stevieawards.com/women",
  regions: ["worldwide"],
  org: "a woman or women-led organization",
  place: "anywhere in the world",
  groups: [
    {
      short: "WOY",
      name: "Woman of the Year Awards",
      items: [
        c(
          "Woman of the Year",
          "Honours a woman whose professional achievements in the year stood out in her industry, whether she leads a company, a function or a cause.",
          ["woman of the year", "women leaders"],
          IND_P,
          { who: "women working at ", split: industryVariants(IND_WOMEN), splitSourced: true },
        ),
      ],
    },
    {
      short: "EXEC",
      name: "Executive & Management Awards",
      items: [
        c(
          "Female Executive of the Year",
          "For a woman in a C-suite or senior leadership role who delivered results such as growth, turnaround or transformation at her organization.",
          ["female executive", "women in leadership", "C-suite"],
          IND_P,
          { who: "women executives at ", split: industryVariants(IND_WOMEN), splitSourced: true },
        ),
        s(
          "Female Executive of the Year",
          "For a senior woman leader whose results stand out within her region's business community.",
          ["female executive", "regional leader"],
          IND_P,
          { regionNoun: "women executives at organizations", split: regionVariants() },
        ),
        c(
          "Female Manager of the Year",
          "For a woman in a middle-management role who led a team, department or site to better results and developed her people.",
          ["female manager", "women managers"],
          IND_P,
          { split: sizeVariants(), sizeNoun: "women managers at organizations" },
        ),
        c(
          "Women-Led Management Team of the Year",
          "For a leadership team in which women hold most senior roles, judged on the organization's results under their direction.",
          ["women-led team", "leadership team"],
          TEAM,
        ),
        s(
          "Female Chief Financial Officer of the Year",
          "For a woman CFO or finance director who strengthened her organization's finances, led a financing or transformed finance operations.",
          ["female CFO", "women in finance"],
          IND_P,
        ),
        s(
          "Female Chief Technology Officer of the Year",
          "For a woman CTO, CIO or engineering head who led major technology delivery or modernisation.",
          ["female CTO", "women in tech"],
          IND_P,
        ),
        s(
          "Female Chief Marketing Officer of the Year",
          "For a woman leading marketing who built a brand, grew demand or rebuilt a marketing organization.",
          ["female CMO", "women in marketing"],
          IND_P,
        ),
      ],
    },
    {
      short: "ENT",
      name: "Entrepreneur Awards",
      items: [
        c(
          "Female Entrepreneur of the Year - Business Services",
          "For a woman who founded or owns a consulting, agency, staffing, accounting, legal or other business-services firm and grew it during the year.",
          ["female entrepreneur", "women-owned business", "services business"],
          IND_P,
          { split: sizeVariants(), sizeNoun: "women founders of firms", splitSourced: true },
        ),
        c(
          "Female Entrepreneur of the Year - Products",
          "For a woman who founded or owns a company that makes or sells physical or digital products, from consumer brands to software.",
          ["female entrepreneur", "product company", "women founders"],
          IND_P,
          { split: sizeVariants(), sizeNoun: "women founders of companies", splitSourced: true },
        ),
        s(
          "Female Entrepreneur of the Year",
          "For a woman founder whose business success and job creation stand out in her region.",
          ["female entrepreneur", "women founders"],
          IND_P,
          { regionNoun: "women entrepreneurs", split: regionVariants() },
        ),
        s(
          "Solo Entrepreneur of the Year",
          "For a self-employed woman or sole trader, such as a consultant, coach, designer or freelancer, who built a thriving one-person business.",
          ["solopreneur", "freelancer", "sole trader"],
          IND_P,
          { sizes: ["small"] },
        ),
        c(
          "Female Startup Founder of the Year",
          "For a woman who co-founded a startup in the last few years and secured funding, customers or a first product launch.",
          ["startup founder", "female founder", "venture funding"],
          IND_P,
          { orgTypes: ["startup"], sizes: ["small"] },
        ),
        s(
          "Female Entrepreneur of the Year - Technology",
          "For a woman who founded or owns a software, hardware, internet or deep-tech company and grew its customers, funding or team.",
          ["female tech founder", "women in tech", "female entrepreneur"],
          IND_P,
          { split: sizeVariants(), sizeNoun: "women founders of technology companies" },
        ),
        s(
          "Female Social Entrepreneur of the Year",
          "For a woman who built a social enterprise or impact-driven business that earns revenue while solving a social or environmental problem.",
          ["social entrepreneur", "impact business"],
          IND_P,
          { orgTypes: ["company", "nonprofit", "startup"] },
        ),
        s(
          "Young Female Entrepreneur of the Year",
          "For a woman entrepreneur aged 35 or under who launched and grew her own business.",
          ["young entrepreneur", "under 35"],
          IND_P,
        ),
      ],
    },
    {
      short: "INNO",
      name: "Innovator & Thought Leader Awards",
      items: [
        s(
          "Female Innovator of the Year",
          "For a woman who invented, developed or commercialised a new product, process or technology, with evidence of adoption.",
          ["female innovator", "women inventors"],
          IND_P,
          {
            split: listVariants([
              [
                "Technology",
                "This split is for innovation in software, hardware, AI, telecom or internet products.",
                ["technology innovation", "women in tech"],
              ],
              [
                "Science, Health & Life Sciences",
                "This split is for innovation in medicine, biotech, medical devices, public health or scientific research.",
                ["women in STEM", "life sciences"],
              ],
              [
                "Consumer Products & Retail",
                "This split is for innovation in consumer brands, packaging, retail formats or e-commerce.",
                ["consumer innovation"],
              ],
              [
                "Services",
                "This split is for innovation in financial, professional, education or other services.",
                ["service innovation"],
              ],
              [
                "Social Impact",
                "This split is for innovation that addresses poverty, education, climate or health gaps through social enterprise or non-profit work.",
                ["social innovation"],
              ],
            ]),
          },
        ),
        c(
          "Female Thought Leader of the Year",
          "For a woman whose research, books, speaking or media work shaped debate in her field during the year.",
          ["thought leader", "author", "speaker"],
          IND_P,
        ),
        c(
          "Maverick of the Year",
          "For a woman who broke with convention, challenged her industry's assumptions and was proved right by results.",
          ["maverick", "trailblazer"],
          IND_P,
        ),
        s(
          "Female Scientist or Engineer of the Year",
          "For a woman scientist or engineer in industry or academia whose work led to a product, patent, publication or technical breakthrough.",
          ["women in STEM", "engineer", "scientist"],
          IND_P,
        ),
      ],
    },
    {
      short: "ORG",
      name: "Organization & Workplace Awards",
      items: [
        c(
          "Company of the Year",
          "For a company led or majority-owned by women, recognised for its overall performance, growth and culture.",
          ["women-led company", "women-owned business"],
          ORG,
          { split: sizeVariants(), sizeNoun: "women-led companies", splitSourced: true },
        ),
        c(
          "Organization of the Year",
          "For a non-profit, association or public body led by women that expanded its impact during the year.",
          ["women-led non-profit", "association"],
          ORG,
          { split: orgTypeVariants().slice(1) },
        ),
        c(
          "Startup of the Year",
          "For a women-founded startup that has found early customers, raised capital or proved its model in its first years.",
          ["startup", "women founders"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"] },
        ),
        c(
          "Women-Run Workplace of the Year",
          "For an organization where women make up most of the senior leadership and which offers an outstanding workplace for everyone.",
          ["women-run workplace", "female leadership"],
          ORG,
          { split: sizeVariants(), sizeNoun: "women-run organizations" },
        ),
        c(
          "Employer of the Year for Women",
          "For an employer with policies that help women advance, such as pay-equity audits, sponsorship programmes, parental leave and flexible work.",
          ["gender equality", "parental leave", "pay equity"],
          ORG,
          { split: sizeVariants() },
        ),
      ],
    },
    {
      short: "SUP",
      name: "Mentor, Advocate & Support Awards",
      items: [
        c(
          "Mentor or Coach of the Year",
          "For a person, woman or man, who mentored or coached women to promotions, funding or business success, with examples of mentees' progress.",
          ["mentor", "coach", "mentorship"],
          IND_P,
        ),
        c(
          "Women Helping Women",
          "For an organization or programme dedicated to helping women advance through funding, training, networking or advocacy.",
          ["women's empowerment", "networking", "advocacy"],
          ["organization", "campaign"],
          { split: orgTypeVariants() },
        ),
        c(
          "Lifetime Achievement Award",
          "For a woman whose long career opened doors in her industry and for the women who followed her.",
          ["lifetime achievement", "pioneer"],
          IND_P,
        ),
        s(
          "Advocate for Gender Equity of the Year",
          "For a person who campaigned for pay equity, representation or workplace policies that benefit women, with concrete policy or practice changes.",
          ["gender equity", "advocate", "equal pay"],
          IND_P,
        ),
        s(
          "Young Woman Professional of the Year",
          "For a woman early in her career, typically under 30, whose achievements already stand out in her organization or field.",
          ["young professional", "rising star", "under 30"],
          IND_P,
        ),
        s(
          "Women's Employee Resource Group of the Year",
          "For an internal women's network or ERG that ran programmes, influenced policy and grew membership inside its employer.",
          ["ERG", "women's network"],
          TEAM,
        ),
        s(
          "Women's Leadership Development Program of the Year",
          "For a programme that prepared women for senior roles through training, sponsorship or stretch assignments, with promotion data.",
          ["leadership development", "sponsorship", "women leaders"],
          ["organization", "campaign"],
          { split: orgTypeVariants() },
        ),
        s(
          "Return-to-Work Program of the Year",
          "For a returnship or re-entry programme that helped women come back to work after caregiving or career breaks.",
          ["returnship", "career break", "return to work"],
          ["organization", "campaign"],
        ),
        s(
          "Women's Health Initiative of the Year",
          "For a workplace or community initiative on women's health, such as menopause, maternal health or fertility support.",
          ["women's health", "menopause", "maternal health"],
          ["organization", "campaign"],
        ),
        s(
          "Media for Women of the Year",
          "For a publication, podcast, newsletter or online community created for women in business.",
          ["women's media", "podcast", "community"],
          ["publication", "website"],
        ),
        s(
          "Women's Business Network or Association of the Year",
          "For a membership network, chamber or association of women professionals or business owners that grew and delivered value to members.",
          ["women's network", "association", "chamber"],
          ORG,
          { orgTypes: ["nonprofit", "company"] },
        ),
        s(
          "Program for Women in STEM of the Year",
          "For a scholarship, returnship, coding school or outreach programme that brought more women and girls into science, technology, engineering or maths.",
          ["women in STEM", "girls in tech", "returnship"],
          ["organization", "campaign"],
        ),
      ],
    },
    {
      short: "TECHW",
      name: "Women in Technology Awards",
      items: [
        s(
          "Woman in Technology Leader of the Year",
          "For a woman leading a technology business or function whose products, platforms or teams delivered major results.",
          ["women in tech", "technology leader"],
          IND_P,
          { split: sizeVariants(), sizeNoun: "women technology leaders at organizations" },
        ),
        s(
          "Woman in Artificial Intelligence of the Year",
          "For a woman researcher, engineer or leader whose work advanced AI products, research or responsible-AI practice.",
          ["women in AI", "machine learning"],
          IND_P,
        ),
        s(
          "Woman in Cybersecurity of the Year",
          "For a woman security leader or practitioner who protected her organization or advanced the security field.",
          ["women in cybersecurity", "CISO"],
          IND_P,
        ),
        s(
          "Woman in Engineering of the Year",
          "For a woman engineer in civil, mechanical, electrical, chemical or software engineering whose project stood out.",
          ["women in engineering", "engineer"],
          IND_P,
        ),
        s(
          "Women in Technology Program of the Year",
          "For a programme that recruited, trained or promoted women in technology roles, such as coding bootcamps or sponsorship schemes.",
          ["women in tech program", "coding bootcamp"],
          ["organization", "campaign"],
        ),
      ],
    },
    {
      short: "FUNC",
      name: "Functional Awards",
      items: [
        s(
          "Female Sales Leader of the Year",
          "For a woman sales executive or manager who grew revenue, opened markets or built a high-performing sales team.",
          ["women in sales", "sales leader"],
          IND_P,
        ),
        s(
          "Female Customer Service Leader of the Year",
          "For a woman leading customer service, support or a contact centre who improved satisfaction and team performance.",
          ["customer service leader", "contact center"],
          IND_P,
        ),
        s(
          "Female HR Leader of the Year",
          "For a woman HR or people leader who transformed hiring, culture or employee wellbeing.",
          ["HR leader", "people leader"],
          IND_P,
        ),
        s(
          "Female Communications or PR Professional of the Year",
          "For a woman in PR, communications or public affairs whose campaigns protected or built reputations.",
          ["PR professional", "communications"],
          IND_P,
        ),
        s(
          "Female Marketing Campaign of the Year",
          "For a marketing or communications campaign created or led by women, or aimed at women audiences, with measured results.",
          ["marketing campaign", "women audience"],
          CAMPAIGN,
        ),
        s(
          "Female Team of the Year",
          "For a team made up mostly of women, in any function, that achieved a notable result during the year.",
          ["women's team", "team achievement"],
          TEAM,
        ),
        s(
          "Female Professional of the Year",
          "For a woman in an individual-contributor role, such as an engineer, analyst, lawyer, nurse, designer or consultant, whose work stood out in the year.",
          ["female professional", "individual contributor"],
          IND_P,
          { who: "women professionals at ", focus: false, split: industryVariants(IND_SECTOR6) },
        ),
        s(
          "Female Operations Leader of the Year",
          "For a woman running operations, manufacturing, logistics or supply chain who improved efficiency, quality or safety.",
          ["operations leader", "women in manufacturing", "supply chain"],
          IND_P,
        ),
        s(
          "Female Legal Professional of the Year",
          "For a woman general counsel, partner or in-house lawyer who led landmark matters, deals or legal-function improvements.",
          ["women in law", "general counsel", "lawyer"],
          IND_P,
        ),
        s(
          "Female Healthcare Leader of the Year",
          "For a woman physician, nurse leader or health executive who improved patient care or access.",
          ["women in healthcare", "nurse leader", "physician"],
          IND_P,
        ),
        s(
          "Female Non-Profit Leader of the Year",
          "For a woman leading a charity, foundation or NGO who expanded its reach or financial stability.",
          ["non-profit leader", "executive director"],
          IND_P,
          { orgTypes: ["nonprofit"] },
        ),
        s(
          "Female Government Leader of the Year",
          "For a woman public servant or elected official whose leadership improved services for citizens.",
          ["public sector leader", "women in government"],
          IND_P,
          { orgTypes: ["government"] },
        ),
        s(
          "Female Board Director of the Year",
          "For a woman non-executive director or board chair who strengthened governance, strategy or board diversity.",
          ["board director", "board chair", "governance"],
          IND_P,
        ),
      ],
    },
  ],
});

PROGRAMS.push({
  code: "SALES",
  name: "The Stevie Awards for Sales & Customer Service",
  geography:
    "Organizations and individuals worldwide working in sales, business development, customer service and contact centres, plus the vendors who supply them",
  season:
    "Entries open in late summer and close in the autumn; winners are announced in early winter and celebrated in late winter",
  description:
    "The Stevie programme for sales, business development, customer service, contact centre and customer success professionals and teams, with separate categories for solution providers that serve them.",
  url: "https://stevieawards.com/sales",
  regions: ["worldwide"],
  org: "an organization anywhere in the world",
  place: "anywhere in the world",
  groups: [
    {
      short: "SIND",
      name: "Sales Individual Awards",
      items: [
        c(
          "Sales Representative of the Year",
          "For an individual quota-carrying seller, such as an account executive, field rep or inside-sales rep, judged on attainment, deals won and customer feedback.",
          ["sales representative", "account executive", "quota attainment"],
          IND_P,
          { who: "sellers at ", focus: false, split: industryVariants(IND_CS) },
        ),
        c(
          "Sales Manager of the Year",
          "For a front-line or regional sales manager who coached a team to exceed targets, judged on team attainment, hiring and rep development.",
          ["sales manager", "sales coaching"],
          IND_P,
          { who: "sales managers at ", focus: false, split: industryVariants(IND_CS) },
        ),
        c(
          "Sales Executive of the Year",
          "For a VP of sales, chief revenue officer or sales director who set strategy and grew revenue across a region or company.",
          ["sales executive", "CRO", "VP sales"],
          IND_P,
          { split: sizeVariants(), sizeNoun: "sales leaders at organizations" },
        ),
        c(
          "Business Development Executive of the Year",
          "For a person who opened new markets, partnerships or channels for {org}, judged on the new revenue or pipeline created.",
          ["business development", "partnerships"],
          IND_P,
        ),
        c(
          "Young Sales Professional of the Year",
          "For a seller aged 30 or under whose early-career results and work ethic stand out.",
          ["young sales professional", "rising star", "SDR"],
          IND_P,
        ),
        s(
          "Sales Development Representative of the Year",
          "For an SDR or BDR who generated outstanding qualified pipeline through outbound prospecting, with meetings booked and conversion data.",
          ["SDR", "BDR", "prospecting"],
          IND_P,
        ),
        c(
          "Key Account Manager of the Year",
          "For an account manager who retained and expanded strategic customers, judged on renewals, upsell and relationship depth.",
          ["key account manager", "account management"],
          IND_P,
        ),
        s(
          "Channel Sales Manager of the Year",
          "For a person who built or managed reseller, distributor or alliance channels that grew partner-sourced revenue.",
          ["channel sales", "partner manager"],
          IND_P,
        ),
        s(
          "Sales Leader of the Year",
          "For a sales leader who grew revenue and built sales capability across a country or region.",
          ["sales leader", "regional sales director"],
          IND_P,
          { regionNoun: "sales leaders at organizations", split: regionVariants() },
        ),
        s(
          "Pre-Sales or Solutions Engineer of the Year",
          "For a sales engineer, solutions consultant or pre-sales specialist whose demos, proofs of concept and technical credibility won deals.",
          ["pre-sales", "sales engineer", "solutions consultant"],
          IND_P,
        ),
        s(
          "Sales Coach or Trainer of the Year",
          "For an internal or independent sales trainer or coach whose trainees measurably improved their results.",
          ["sales coach", "sales trainer"],
          IND_P,
        ),
      ],
    },
    {
      short: "STEAM",
      name: "Sales Team & Programme Awards",
      items: [
        c(
          "Sales Team of the Year",
          "For a sales team at {org} that beat its targets through strategy, teamwork and process, judged on results against plan.",
          ["sales team", "team quota"],
          TEAM,
          { who: "sales teams at ", focus: false, split: industryVariants(IND_CS) },
        ),
        c(
          "Sales Department of the Year",
          "For the entire sales function of {org}, across regions and segments, judged on growth, productivity and retention of sellers.",
          ["sales department", "sales organization"],
          TEAM,
          { split: sizeVariants() },
        ),
        c(
          "Inside Sales Team of the Year",
          "For a team selling by phone, video and email, judged on conversion, velocity and revenue per rep.",
          ["inside sales", "remote selling"],
          TEAM,
        ),
        c(
          "Sales Operations Team of the Year",
          "For a sales-ops or revenue-operations team that improved forecasting, territories, compensation or CRM hygiene.",
          ["sales operations", "RevOps", "forecasting"],
          TEAM,
        ),
        c(
          "Sales Enablement Program of the Year",
          "For onboarding, content, playbook or coaching programmes that shortened ramp time or raised win rates at {org}.",
          ["sales enablement", "onboarding", "playbooks"],
          ["team", "campaign"],
        ),
        c(
          "Sales Training Program of the Year",
          "For a training curriculum for sellers at {org}, judged on skills gained and the sales results that followed.",
          ["sales training", "sales methodology"],
          ["team", "campaign"],
        ),
        c(
          "Sales Growth Achievement of the Year",
          "For {org} that posted exceptional sales growth over the past year, explained by the strategy behind the numbers.",
          ["sales growth", "revenue growth"],
          ORG,
          { split: sizeVariants() },
        ),
        s(
          "Account Management Team of the Year",
          "For a team responsible for existing customers that grew net revenue retention through renewals and expansion.",
          ["account management", "net revenue retention"],
          TEAM,
        ),
        s(
          "Channel & Partner Program of the Year",
          "For a reseller, referral or alliance programme at {org} that increased partner-sourced revenue.",
          ["partner program", "channel program", "resellers"],
          ["team", "campaign"],
        ),
        c(
          "Sales Distinction of the Year",
          "For a single exceptional sale or deal, such as a landmark contract, a competitive displacement or a first deal in a new market.",
          ["big deal", "landmark contract"],
          ["individual", "team"],
        ),
        s(
          "Innovation in Sales",
          "For a new sales process, model or tool at {org}, such as product-led selling, digital sales rooms or AI-assisted prospecting, with results.",
          ["sales innovation", "AI in sales", "product-led growth"],
          ["organization", "team"],
          { split: sizeVariants() },
        ),
        s(
          "Business Development Achievement of the Year",
          "For {org} that won a new market, partnership or customer segment through business development, with the revenue or pipeline to show for it.",
          ["business development", "new markets"],
          ["organization", "team"],
          { split: sizeVariants() },
        ),
        s(
          "Pre-Sales Team of the Year",
          "For a solutions-engineering or pre-sales team that raised win rates through demos, pilots and technical proposals.",
          ["pre-sales team", "solutions engineering"],
          TEAM,
        ),
        s(
          "Social Selling Program of the Year",
          "For a programme that trained sellers to build pipeline through LinkedIn and other social networks.",
          ["social selling", "LinkedIn"],
          ["team", "campaign"],
        ),
        s(
          "Sales Compensation Program of the Year",
          "For a redesigned commission, incentive or spiff plan at {org} that aligned sellers with company goals and improved results.",
          ["sales compensation", "commission plan", "incentives"],
          ["team", "campaign"],
        ),
        s(
          "Demand Generation Program of the Year",
          "For a marketing and sales programme that generated qualified leads and pipeline, with funnel metrics from lead to close.",
          ["demand generation", "lead generation", "pipeline"],
          CAMPAIGN,
        ),
      ],
    },
    {
      short: "CSDEPT",
      name: "Customer Service Department & Team Awards",
      items: [
        c(
          "Customer Service Department of the Year",
          "For the whole customer-service function of {org}, across roles, channels and sites, judged on satisfaction, resolution and improvements in the period.",
          ["customer service department", "customer care"],
          TEAM,
          { who: "service departments at ", focus: false, split: industryVariants(IND_CS), splitSourced: true },
        ),
        c(
          "Customer Service Team of the Year",
          "For a subset of a service organization, such as a front-line, back-office, complaints or escalations team, that delivered standout service.",
          ["customer service team", "escalations team"],
          TEAM,
          { who: "service teams at ", focus: false, split: industryVariants(IND_CS), splitSourced: true },
        ),
        c(
          "Contact Center of the Year",
          "For a contact centre judged on service levels, quality monitoring, workforce management and agent engagement.",
          ["contact center", "call center"],
          TEAM,
          {
            split: sizeVariants(),
            sizeNoun: "contact centres with agent teams inside organizations",
            splitSourced: true,
          },
        ),
        c(
          "Outsourced Contact Center of the Year",
          "For a BPO or outsourced contact-centre provider, judged on results delivered for its clients and how it manages multilingual, multi-site operations.",
          ["BPO", "outsourcing", "outsourced contact center"],
          ORG,
        ),
        s(
          "Technical Support Team of the Year",
          "For a team that resolves product or IT issues for customers, judged on resolution times, knowledge-base quality and escalation rates.",
          ["technical support", "help desk"],
          TEAM,
        ),
        s(
          "Field Service Team of the Year",
          "For technicians or engineers who serve customers on site, judged on first-time fix rate, punctuality and safety.",
          ["field service", "technicians"],
          TEAM,
        ),
        s(
          "Back-Office Service Team of the Year",
          "For a claims, billing, fulfilment or account-servicing team that customers rarely meet but whose accuracy and speed shaped their experience.",
          ["back office", "claims processing", "billing"],
          TEAM,
        ),
      ],
    },
    {
      short: "CSIND",
      name: "Customer Service Individual Awards",
      items: [
        c(
          "Customer Service Professional of the Year",
          "For a front-line agent, specialist or representative whose service stood out, evidenced by customer comments, quality scores and peer nominations.",
          ["customer service representative", "agent of the year"],
          IND_P,
          { who: "service professionals at ", focus: false, split: industryVariants(IND_CS) },
        ),
        c(
          "Customer Service Manager of the Year",
          "For a supervisor or manager of a customer-service team who improved performance, coaching and morale.",
          ["customer service manager", "team leader"],
          IND_P,
          { who: "service managers at ", focus: false, split: industryVariants(IND_CS) },
        ),
        c(
          "Customer Service Executive of the Year",
          "For the executive responsible for service or customer experience at {org}, judged on strategy and results.",
          ["customer service executive", "VP customer service"],
          IND_P,
        ),
        c(
          "Contact Center Manager of the Year",
          "For the manager of a contact centre who improved service levels, quality and agent retention.",
          ["contact center manager", "call center manager"],
          IND_P,
        ),
        s(
          "Customer Success Manager of the Year",
          "For a customer-success manager who drove adoption, renewals and expansion for a portfolio of accounts.",
          ["customer success manager", "CSM"],
          IND_P,
        ),
        s(
          "Front-Line Customer Service Hero of the Year",
          "For an employee who went far beyond the job to help a customer in a single memorable incident, such as an emergency or a crisis.",
          ["customer service hero", "above and beyond"],
          IND_P,
        ),
      ],
    },
    {
      short: "CX",
      name: "Customer Experience & Innovation Awards",
      items: [
        c(
          "Innovation in Customer Service",
          "For a new process, channel or policy at {org} that improved the service customers receive.",
          ["customer service innovation"],
          ["organization", "team"],
          { split: sizeVariants() },
        ),
        c(
          "Best Use of Technology in Customer Service",
          "For deployment of technology such as AI assistants, CRM, analytics or self-service portals that measurably improved service at {org}.",
          ["customer service technology", "AI", "automation"],
          ["organization", "team"],
          { focus: false, split: industryVariants(IND_CS), splitSourced: true },
        ),
        c(
          "Customer Success Team of the Year",
          "For a customer-success team that improved onboarding, adoption, health scores and renewals.",
          ["customer success", "retention", "churn"],
          TEAM,
        ),
        s(
          "Customer Experience Initiative of the Year",
          "For a journey-mapping or CX programme at {org} that removed friction and improved NPS, CSAT or effort scores.",
          ["customer experience", "CX", "journey mapping"],
          ["organization", "campaign"],
        ),
        s(
          "Voice of the Customer Program of the Year",
          "For a programme at {org} that gathered customer feedback through surveys, reviews or speech analytics and turned it into changes.",
          ["voice of the customer", "feedback", "surveys"],
          ["organization", "campaign"],
        ),
        s(
          "Self-Service Program of the Year",
          "For a knowledge base, portal, chatbot or IVR at {org} that let customers solve problems themselves and lowered contact volumes.",
          ["self-service", "knowledge base", "chatbot"],
          ["organization", "product"],
        ),
        s(
          "Omnichannel Service Program of the Year",
          "For service that links phone, chat, email, social and in-store channels so customers do not have to repeat themselves.",
          ["omnichannel", "digital channels"],
          ["organization", "campaign"],
        ),
        s(
          "Customer Loyalty Program of the Year",
          "For a loyalty, rewards or membership programme at {org} that increased repeat purchases and retention.",
          ["loyalty program", "rewards"],
          CAMPAIGN,
        ),
        s(
          "Customer Service Training Program of the Year",
          "For training that prepared agents at {org} to deliver better service, judged on quality-score and satisfaction improvements.",
          ["agent training", "service training"],
          ["team", "campaign"],
        ),
        s(
          "Customer Onboarding Program of the Year",
          "For onboarding that got new customers to value quickly, with time-to-value and early-churn data.",
          ["customer onboarding", "time to value"],
          ["team", "campaign"],
        ),
        s(
          "Proactive Customer Service Program of the Year",
          "For service at {org} that reaches customers before they call, such as outage alerts, delivery updates or predictive fixes.",
          ["proactive service", "notifications", "predictive support"],
          ["organization", "campaign"],
        ),
        s(
          "Social Media Customer Service Program of the Year",
          "For customer care delivered through social networks and messaging apps such as WhatsApp, judged on response time and resolution.",
          ["social customer care", "WhatsApp", "messaging"],
          ["team", "campaign"],
        ),
        s(
          "Accessible Customer Service Program of the Year",
          "For service designed for customers with disabilities, older customers or speakers of other languages.",
          ["accessibility", "inclusive service", "vulnerable customers"],
          ["organization", "campaign"],
        ),
        s(
          "Quality Assurance Program of the Year",
          "For a quality-monitoring and coaching programme in a service operation that raised quality scores and consistency.",
          ["quality assurance", "QA", "call monitoring"],
          ["team", "campaign"],
        ),
        s(
          "Complaint Resolution Program of the Year",
          "For a programme at {org} that cut complaint volumes or resolution times and turned complainants into loyal customers.",
          ["complaints", "service recovery"],
          ["team", "campaign"],
        ),
      ],
    },
    {
      short: "SOL",
      name: "Solution Provider Awards",
      items: [
        c(
          "Contact Center Solution of the Year",
          "For software or services sold to contact centres, such as cloud contact-centre platforms, dialers or routing engines, judged on client results.",
          ["CCaaS", "contact center software"],
          PRODUCT,
        ),
        c(
          "Customer Service Solution of the Year",
          "For a help-desk, ticketing, knowledge or field-service product sold to service organizations.",
          ["help desk software", "ticketing"],
          PRODUCT,
        ),
        c(
          "CRM Solution of the Year",
          "For customer-relationship-management software that improved sales or service productivity for its clients.",
          ["CRM"],
          PRODUCT,
        ),
        s(
          "Conversational AI Solution of the Year",
          "For chatbots, voice bots or agent-assist products using natural-language AI, judged on containment and satisfaction results for clients.",
          ["conversational AI", "voice bot", "agent assist"],
          PRODUCT,
        ),
        s(
          "Workforce Engagement Solution of the Year",
          "For workforce-management, quality-management or agent-coaching software used in service operations.",
          ["workforce management", "quality management"],
          PRODUCT,
        ),
        c(
          "Sales Enablement Solution of the Year",
          "For software or services that help sellers find content, practise pitches or follow playbooks.",
          ["sales enablement software"],
          PRODUCT,
        ),
        s(
          "Sales Engagement Solution of the Year",
          "For sequencing, dialling, email or conversation-intelligence software used by sales teams.",
          ["sales engagement", "conversation intelligence"],
          PRODUCT,
        ),
        s(
          "Revenue Intelligence Solution of the Year",
          "For forecasting, pipeline-analytics or revenue-operations software.",
          ["revenue intelligence", "forecasting software"],
          PRODUCT,
        ),
        s(
          "Customer Feedback Solution of the Year",
          "For survey, review-management or experience-analytics products sold to businesses.",
          ["survey software", "experience management"],
          PRODUCT,
        ),
        s(
          "Sales Performance Management Solution of the Year",
          "For commission, quota, territory or incentive-management software used by sales organizations.",
          ["sales performance management", "commission software"],
          PRODUCT,
        ),
        s(
          "Configure-Price-Quote Solution of the Year",
          "For CPQ, proposal or contract software that speeds up quoting and deal desk work.",
          ["CPQ", "quoting", "proposal software"],
          PRODUCT,
        ),
        s(
          "Field Service Management Solution of the Year",
          "For scheduling, dispatch and mobile-technician software used by field-service organizations.",
          ["field service software", "dispatch"],
          PRODUCT,
        ),
        s(
          "Knowledge Management Solution of the Year",
          "For knowledge-base or AI search products that give agents and customers the right answer quickly.",
          ["knowledge management", "AI search"],
          PRODUCT,
        ),
        s(
          "Speech & Interaction Analytics Solution of the Year",
          "For speech, text or interaction analytics that find trends and coaching moments in customer conversations.",
          ["speech analytics", "interaction analytics"],
          PRODUCT,
        ),
        s(
          "Customer Success Platform of the Year",
          "For software that tracks customer health, adoption and renewal risk for customer-success teams.",
          ["customer success software", "health scores"],
          PRODUCT,
        ),
        s(
          "Customer Data Platform of the Year",
          "For software that unifies customer data for sales, marketing and service teams.",
          ["CDP", "customer data"],
          PRODUCT,
        ),
        s(
          "Sales Intelligence & Data Solution of the Year",
          "For contact data, intent data or account-research products used by sellers.",
          ["sales intelligence", "intent data"],
          PRODUCT,
        ),
        c(
          "Sales Training or Consulting Firm of the Year",
          "For a firm that trains or advises sales organizations, judged on client results.",
          ["sales training company", "sales consulting"],
          ORG,
        ),
        c(
          "Customer Service Outsourcing or Consulting Firm of the Year",
          "For a firm that advises or runs customer-service operations for clients, judged on outcomes for those clients.",
          ["CX consulting", "service outsourcing"],
          ORG,
        ),
      ],
    },
  ],
});

PROGRAMS.push({
  code: "EMPLOYERS",
  name: "The Stevie Awards for Great Employers",
  geography: "Employers, HR departments, HR professionals and HR solution providers worldwide",
  season: "Entries open in winter and close in spring; winners are announced in early summer",
  description:
    "The Stevie programme for great workplaces and the people, teams and suppliers behind them, covering employers of the year, HR achievements and HR solution providers.",
  url: "https://stevieawards.com/hr",
  regions: ["worldwide"],
  org: "an employer anywhere in the world",
  place: "anywhere in the world",
  groups: [
    {
      short: "EMP",
      name: "Employer of the Year Awards",
      items: [
        c(
          "Employer of the Year",
          "For an employer whose pay, benefits, development, culture and employee feedback add up to an outstanding place to work, backed by retention and survey data.",
          ["employer of the year", "best place to work"],
          ORG,
          { focus: false, split: industryVariants(IND_MID), splitSourced: true },
        ),
        s(
          "Employer of the Year",
          "For an employer whose workplace culture stands out among organizations of a similar headcount.",
          ["great place to work", "employer"],
          ORG,
          { split: sizeVariants() },
        ),
        s(
          "Employer of the Year",
          "For an employer whose workplace stands out against local labour-market norms.",
          ["employer", "regional employer"],
          ORG,
          { regionNoun: "employers", split: regionVariants() },
        ),
        s(
          "Employer of the Year - Startup",
          "For a young, fast-growing company that built a strong culture, fair equity and good management practice while scaling its headcount.",
          ["startup culture", "scale-up employer"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"] },
        ),
        s(
          "Employer of the Year - Remote-First",
          "For an employer that operates mainly remotely or across many countries and still keeps staff connected, developed and engaged.",
          ["remote-first", "distributed team"],
          ORG,
        ),
        c(
          "Employer of the Year - Non-Profit or Government",
          "For a charity, NGO or public-sector employer that gives staff a great place to work despite tight budgets.",
          ["public sector employer", "non-profit employer"],
          ORG,
          { orgTypes: ["nonprofit", "government"] },
        ),
      ],
    },
    {
      short: "ACH",
      name: "Achievement Awards",
      items: [
        c(
          "Achievement in Workplace Health & Wellness",
          "For wellbeing programmes that improved employees' physical or mental health, with participation and outcome data.",
          ["workplace wellness", "mental health"],
          ["organization", "campaign"],
          { split: sizeVariants() },
        ),
        c(
          "Achievement in Workplace Diversity & Inclusion",
          "For hiring, promotion, pay-equity or inclusion work that measurably widened representation.",
          ["diversity", "inclusion", "DEI"],
          ["organization", "campaign"],
          { split: sizeVariants() },
        ),
        c(
          "Achievement in Employee Engagement",
          "For programmes that raised engagement scores, participation and retention.",
          ["employee engagement", "engagement survey"],
          ["organization", "campaign"],
          { split: sizeVariants() },
        ),
        c(
          "Achievement in Onboarding",
          "For an onboarding programme that shortened time to productivity and improved first-year retention.",
          ["onboarding", "new hires"],
          ["organization", "campaign"],
        ),
        c(
          "Achievement in Recruiting",
          "For a recruiting strategy that filled hard-to-fill roles, widened the talent pool or improved quality of hire.",
          ["recruiting", "talent acquisition"],
          ["organization", "campaign"],
          { split: sizeVariants() },
        ),
        c(
          "Achievement in Learning & Development",
          "For training, leadership development or academies that built skills and internal mobility.",
          ["learning and development", "training", "leadership development"],
          ["organization", "campaign"],
          { split: sizeVariants() },
        ),
        s(
          "Achievement in Employee Recognition",
          "For recognition and reward programmes that made employees feel valued and lowered turnover.",
          ["employee recognition", "rewards"],
          ["organization", "campaign"],
          { split: sizeVariants() },
        ),
        s(
          "Achievement in Flexible & Hybrid Work",
          "For policies such as hybrid schedules, four-day weeks or remote-first operations, with productivity and retention data.",
          ["hybrid work", "remote work", "four-day week"],
          ["organization", "campaign"],
          { split: sizeVariants() },
        ),
        s(
          "Achievement in Family & Caregiver Support",
          "For parental leave, childcare, eldercare or fertility benefits that helped employees balance work and family.",
          ["parental leave", "childcare", "caregivers"],
          ["organization", "campaign"],
          { split: sizeVariants() },
        ),
        s(
          "Achievement in Employee Volunteering",
          "For volunteering or give-back programmes that engaged employees with their communities.",
          ["volunteering", "community service"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Pay Equity & Transparency",
          "For pay audits, salary-band publication or remediation that closed unexplained pay gaps.",
          ["pay equity", "pay transparency"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Disability Inclusion & Accessibility",
          "For hiring, accommodation and accessibility work that opened the workplace to people with disabilities.",
          ["disability inclusion", "accessibility", "neurodiversity"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Upskilling & Reskilling",
          "For programmes that retrained employees for new roles as automation or AI changed their jobs.",
          ["reskilling", "upskilling", "AI skills"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Early Careers & Internships",
          "For graduate, apprenticeship or internship programmes that built a pipeline of young talent.",
          ["internships", "apprenticeships", "graduate program"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Employer Branding",
          "For an employer-brand campaign that attracted more and better applicants.",
          ["employer branding", "careers site"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Employee Financial Wellbeing",
          "For savings, retirement, debt-counselling or earned-wage-access programmes that reduced staff financial stress.",
          ["financial wellness", "retirement", "earned wage access"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Internal Communications",
          "For internal communication that kept a dispersed or front-line workforce informed and engaged.",
          ["internal communications", "intranet"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Workplace Safety",
          "For safety programmes that reduced injuries and incidents, especially in plants, warehouses, sites or fleets.",
          ["workplace safety", "health and safety"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Veteran & Military Spouse Hiring",
          "For recruitment and support programmes for veterans, reservists and military families.",
          ["veteran hiring", "military spouses"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in AI Adoption in HR",
          "For responsible use of AI in recruiting, HR service or learning that saved time while guarding against bias.",
          ["AI in HR", "HR automation"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Strategic Workforce Planning",
          "For workforce planning that anticipated skills needs and redeployed people instead of laying them off.",
          ["workforce planning", "skills"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Workplace Design",
          "For offices, plants or hubs redesigned around how employees actually work, with usage and satisfaction data.",
          ["workplace design", "return to office"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Merger & Acquisition Integration",
          "For bringing two workforces together after a merger or acquisition while keeping key talent and culture.",
          ["M&A integration", "culture integration"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Performance Management",
          "For replacing annual reviews with continuous feedback, goal-setting or calibration that employees trust.",
          ["performance management", "continuous feedback"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Succession Planning",
          "For building a bench of ready successors for critical roles, with fill rates from internal candidates.",
          ["succession planning", "talent pipeline"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Frontline Employee Experience",
          "For improving scheduling, pay access, tools or voice for shift, retail, warehouse or field workers.",
          ["frontline workers", "shift work", "deskless"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Mentoring",
          "For a mentoring or sponsorship programme that paired employees and led to promotions or retention.",
          ["mentoring", "sponsorship"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Internal Talent Mobility",
          "For an internal marketplace or transfer programme that filled roles from within.",
          ["internal mobility", "talent marketplace"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Employee Listening",
          "For pulse surveys, listening sessions or analytics that captured employee views and led to visible action.",
          ["employee listening", "pulse survey"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Menopause & Women's Health Support",
          "For workplace support on menopause, fertility, pregnancy or women's health, with uptake and retention data.",
          ["menopause support", "women's health", "fertility benefits"],
          ["organization", "campaign"],
        ),
        s(
          "Achievement in Second-Chance Hiring",
          "For employing people with criminal records, long-term unemployed or refugees, with retention outcomes.",
          ["fair chance hiring", "refugees", "second chance"],
          ["organization", "campaign"],
        ),
      ],
    },
    {
      short: "TEAM",
      name: "HR Team & Professional Awards",
      items: [
        c(
          "HR Team of the Year",
          "For the HR department of an employer, judged on the programmes delivered and the business results they supported.",
          ["HR team", "HR department"],
          TEAM,
          { split: sizeVariants(), sizeNoun: "HR teams at employers" },
        ),
        c(
          "HR Executive of the Year",
          "For the chief people officer or HR director who led the people agenda and changed outcomes for the workforce.",
          ["CHRO", "HR director", "chief people officer"],
          IND_P,
          { split: sizeVariants(), sizeNoun: "HR leaders at employers" },
        ),
        c(
          "HR Professional of the Year",
          "For an HR business partner, specialist or generalist whose work made a visible difference to employees and managers.",
          ["HR professional", "HR business partner"],
          IND_P,
        ),
        c(
          "Talent Acquisition Team of the Year",
          "For a recruiting team that improved time to hire, candidate experience and quality of hire.",
          ["talent acquisition team", "recruiters"],
          TEAM,
          { split: sizeVariants(), sizeNoun: "recruiting teams at employers" },
        ),
        c(
          "Talent Acquisition Professional of the Year",
          "For an individual recruiter or sourcer who consistently filled critical roles.",
          ["recruiter", "sourcer"],
          IND_P,
        ),
        s(
          "Learning & Development Team of the Year",
          "For a training or L&D team that built programmes employees used and valued.",
          ["L&D team", "training team"],
          TEAM,
        ),
        s(
          "Total Rewards Team of the Year",
          "For a compensation and benefits team that redesigned pay, benefits or equity to attract and keep talent.",
          ["compensation", "benefits", "total rewards"],
          TEAM,
        ),
        s(
          "People Analytics Team of the Year",
          "For a team that used workforce data to predict attrition, plan headcount or improve fairness in decisions.",
          ["people analytics", "HR data"],
          TEAM,
        ),
        s(
          "HR Innovation of the Year",
          "For a new HR practice, policy or use of technology that others could copy, such as AI in hiring with bias controls.",
          ["HR innovation", "AI in HR"],
          ["organization", "team"],
        ),
        s(
          "HR Shared Services Team of the Year",
          "For an HR operations, service-centre or shared-services team that made HR faster and easier for employees.",
          ["HR shared services", "HR operations"],
          TEAM,
        ),
        s(
          "Employee Experience Team of the Year",
          "For a team that redesigned the employee journey from hiring to exit.",
          ["employee experience", "EX"],
          TEAM,
        ),
        s(
          "Wellbeing Leader of the Year",
          "For the person leading wellbeing at an employer whose programmes improved health and absence figures.",
          ["wellbeing lead", "wellness champion"],
          IND_P,
        ),
        s(
          "Rising Star in HR of the Year",
          "For an HR professional early in their career whose impact already stands out.",
          ["rising star", "young HR professional"],
          IND_P,
        ),
        s(
          "Diversity & Inclusion Leader of the Year",
          "For the person leading diversity, equity and inclusion efforts at an employer, judged on progress made.",
          ["DEI leader", "chief diversity officer"],
          IND_P,
        ),
      ],
    },
    {
      short: "SOL",
      name: "HR Solution Provider Awards",
      items: [
        c(
          "HR Solution Provider of the Year",
          "For a vendor whose HR products or services helped client employers improve hiring, retention or HR efficiency.",
          ["HR vendor", "HR technology"],
          ORG,
          { split: sizeVariants(), sizeNoun: "HR vendors" },
        ),
        s(
          "Core HR & HRIS Solution of the Year",
          "For human-resources information systems and HCM suites that manage employee records and processes.",
          ["HRIS", "HCM"],
          PRODUCT,
        ),
        s(
          "Payroll Solution of the Year",
          "For payroll software or outsourced payroll services, judged on accuracy, compliance and client satisfaction.",
          ["payroll", "payroll outsourcing"],
          PRODUCT,
        ),
        c(
          "Recruiting Technology Solution of the Year",
          "For applicant-tracking, sourcing, assessment or interview-scheduling products.",
          ["ATS", "recruiting software", "assessment"],
          PRODUCT,
        ),
        s(
          "Learning Management Solution of the Year",
          "For learning platforms, content libraries or skills-intelligence tools sold to employers.",
          ["LMS", "learning platform"],
          PRODUCT,
        ),
        s(
          "Employee Engagement Solution of the Year",
          "For survey, recognition, intranet or employee-experience platforms.",
          ["engagement platform", "employee experience"],
          PRODUCT,
        ),
        s(
          "Benefits & Wellbeing Solution of the Year",
          "For benefits administration, health, mental-health or financial-wellness services offered to employers.",
          ["benefits administration", "wellbeing provider"],
          PRODUCT,
        ),
        c(
          "Staffing & Recruitment Firm of the Year",
          "For a staffing agency or recruitment firm judged on placements, client retention and candidate care.",
          ["staffing agency", "recruitment firm"],
          ORG,
          { split: sizeVariants(), sizeNoun: "staffing and recruitment firms" },
        ),
        s(
          "Executive Search Firm of the Year",
          "For a retained search firm that placed senior leaders and board members, judged on placement success and diversity of slates.",
          ["executive search", "headhunter"],
          ORG,
        ),
        s(
          "Employer of Record & PEO of the Year",
          "For a professional-employer organization or employer-of-record service that lets clients hire and pay staff compliantly in other countries.",
          ["PEO", "employer of record", "global payroll"],
          ORG,
        ),
        s(
          "Workforce Scheduling Solution of the Year",
          "For time, attendance and shift-scheduling software used by employers with hourly workforces.",
          ["workforce scheduling", "time and attendance"],
          PRODUCT,
        ),
        s(
          "Background Screening Provider of the Year",
          "For a background-check, identity or right-to-work screening provider judged on speed, accuracy and candidate experience.",
          ["background checks", "screening"],
          ORG,
        ),
        s(
          "Talent Assessment Solution of the Year",
          "For skills tests, psychometric assessments or interview tools that improved hiring decisions.",
          ["assessment", "psychometrics", "skills testing"],
          PRODUCT,
        ),
        s(
          "Global Mobility & Relocation Provider of the Year",
          "For a relocation, immigration or global-mobility provider that moved employees across borders smoothly.",
          ["relocation", "global mobility", "immigration"],
          ORG,
        ),
        s(
          "Employee Recognition Solution of the Year",
          "For recognition, rewards or incentive platforms used by employers.",
          ["recognition platform", "rewards"],
          PRODUCT,
        ),
        s(
          "Coaching & Leadership Development Provider of the Year",
          "For a coaching firm or leadership-development provider judged on client outcomes.",
          ["executive coaching", "leadership training"],
          ORG,
        ),
        s(
          "Talent Marketplace or Job Board of the Year",
          "For a job board, talent marketplace or gig platform that connected employers with candidates.",
          ["job board", "talent marketplace"],
          ["organization", "product"],
        ),
        s(
          "AI Recruiting Assistant of the Year",
          "For AI tools that screen, schedule or engage candidates, judged on hiring results and fairness controls.",
          ["AI recruiting", "recruiting chatbot"],
          PRODUCT,
        ),
        s(
          "HR Consulting Firm of the Year",
          "For an HR or organizational-development consultancy judged on results delivered for client employers.",
          ["HR consulting", "organizational development"],
          ORG,
        ),
      ],
    },
  ],
});

const TECH_DOMAINS = [
  [
    "Artificial Intelligence & Machine Learning",
    "predictive models, computer vision, recommendation and other machine-learning systems",
    ["AI", "machine learning"],
  ],
  [
    "Generative AI",
    "large language models, AI agents, copilots and content-generation systems",
    ["generative AI", "LLM", "AI agents"],
  ],
  [
    "Data & Analytics",
    "data platforms, warehouses, lakehouses, BI and data-governance tooling",
    ["data analytics", "data platform"],
  ],
  [
    "Cloud Computing",
    "public, private and hybrid cloud infrastructure, platforms and migrations",
    ["cloud", "hybrid cloud"],
  ],
  [
    "Cybersecurity",
    "threat detection, identity, zero-trust, application and data security",
    ["cybersecurity", "zero trust"],
  ],
  [
    "Software Development & DevOps",
    "developer platforms, CI/CD, observability, testing and low-code tooling",
    ["DevOps", "low-code", "developer platform"],
  ],
  [
    "Internet of Things & Edge Computing",
    "connected devices, sensors, industrial IoT and edge processing",
    ["IoT", "edge computing"],
  ],
  [
    "Blockchain & Digital Assets",
    "distributed ledgers, tokenisation, digital identity and payment rails",
    ["blockchain", "tokenisation"],
  ],
  [
    "Financial Technology",
    "digital banking, payments, lending, wealth and insurance technology",
    ["fintech", "insurtech"],
  ],
  [
    "Health Technology",
    "telehealth, clinical software, medical AI, wearables and health-data platforms",
    ["healthtech", "medical AI"],
  ],
  [
    "Education Technology",
    "learning platforms, tutoring tools, assessment and campus systems",
    ["edtech", "learning platform"],
  ],
  [
    "Marketing & Advertising Technology",
    "marketing automation, customer-data platforms, ad tech and personalisation engines",
    ["martech", "adtech"],
  ],
  [
    "Robotics & Automation",
    "industrial and service robots, robotic process automation and autonomous systems",
    ["robotics", "RPA", "automation"],
  ],
  [
    "Telecommunications & 5G",
    "5G, private networks, fibre, satellite and network-automation technology",
    ["5G", "telecom", "satellite"],
  ],
  [
    "Extended Reality (AR/VR)",
    "augmented, virtual and mixed reality for training, design, retail and entertainment",
    ["AR", "VR", "mixed reality"],
  ],
  [
    "Climate & Sustainability Technology",
    "carbon accounting, energy management, grid, storage and circular-economy technology",
    ["climate tech", "carbon accounting"],
  ],
  [
    "Supply Chain & Logistics Technology",
    "warehouse automation, fleet tracking, demand planning and procurement platforms",
    ["supply chain tech", "logistics software"],
  ],
  [
    "Semiconductors & Hardware",
    "chips, accelerators, devices, servers and other physical computing platforms",
    ["semiconductors", "hardware"],
  ],
  [
    "Quantum Computing",
    "quantum hardware, algorithms, simulators and post-quantum cryptography",
    ["quantum computing", "post-quantum"],
  ],
  [
    "Smart Cities & Government Technology",
    "digital public services, smart infrastructure, traffic, utility and civic platforms",
    ["govtech", "smart city"],
  ],
  [
    "Digital Identity & Privacy",
    "identity verification, authentication, consent management and privacy-enhancing technology",
    ["digital identity", "privacy tech"],
  ],
  [
    "Automotive & Mobility Technology",
    "connected vehicles, driver assistance, EV charging and mobility-as-a-service platforms",
    ["mobility tech", "connected car"],
  ],
  [
    "Agriculture & Food Technology",
    "precision farming, agri-drones, food-safety tracing and alternative proteins",
    ["agtech", "foodtech"],
  ],
  [
    "Media & Entertainment Technology",
    "streaming, games engines, virtual production and content-personalisation technology",
    ["media tech", "streaming"],
  ],
  [
    "Legal & Regulatory Technology",
    "contract analytics, compliance automation, e-discovery and regulatory reporting",
    ["legaltech", "regtech"],
  ],
  [
    "Retail & E-Commerce Technology",
    "commerce platforms, checkout, retail media, store automation and inventory visibility",
    ["retail tech", "e-commerce tech"],
  ],
  [
    "Real Estate & Construction Technology",
    "building information modelling, smart buildings, property platforms and site robotics",
    ["proptech", "contech", "BIM"],
  ],
  [
    "Space & Satellite Technology",
    "small satellites, earth observation, launch services and satellite connectivity",
    ["spacetech", "earth observation"],
  ],
];

PROGRAMS.push({
  code: "TECH",
  name: "The Stevie Awards for Technology Excellence",
  geography: "Technology vendors, organizations that use technology and technology professionals worldwide",
  season:
    "Entries open in late spring and close in summer; winners are announced in the autumn (a newer programme whose calendar may shift)",
  description:
    "The Stevie programme dedicated to technology: new solutions, implementations, technical teams and tech leaders across AI, cloud, cybersecurity, data, fintech, healthtech and other domains.",
  regions: ["worldwide"],
  org: "a technology vendor or technology user anywhere in the world",
  place: "anywhere in the world",
  groups: [
    {
      short: "SOLN",
      name: "Technology Solution Awards",
      items: TECH_DOMAINS.map(([domain, what, kw]) =>
        s(
          `Technology Solution of the Year - ${domain}`,
          `For a commercially available product or platform in ${what}, judged on technical originality, customer adoption and proven outcomes for users.`,
          [...kw, "technology product"],
          PRODUCT,
        ),
      ),
    },
    {
      short: "IMPL",
      name: "Technology Implementation Awards",
      items: TECH_DOMAINS.map(([domain, what, kw]) =>
        s(
          `Technology Implementation of the Year - ${domain}`,
          `For an organization that deployed ${what} in its own operations, judged on scale of roll-out, change management and measured business results.`,
          [...kw, "implementation", "deployment"],
          ["organization", "team"],
        ),
      ),
    },
    {
      short: "INNO",
      name: "Technical Innovation Awards",
      items: TECH_DOMAINS.map(([domain, what, kw]) =>
        s(
          `Technical Innovation of the Year - ${domain}`,
          `For a technical breakthrough in ${what}, such as a new algorithm, architecture, patent or research result that moved beyond the lab.`,
          [...kw, "R&D", "patent"],
          ["organization", "team", "product"],
        ),
      ),
    },
    {
      short: "LEAD",
      name: "Technology Leadership Awards",
      items: [
        c(
          "Technology Executive of the Year",
          "For a CTO, CIO, CISO or chief data officer whose technology leadership changed their organization's results.",
          ["CTO", "CIO", "technology executive"],
          IND_P,
          { split: sizeVariants(), sizeNoun: "technology leaders at organizations" },
        ),
        c(
          "Technology Team of the Year",
          "For an engineering, IT, data or security team that delivered a major technology achievement in the year.",
          ["engineering team", "technology team"],
          TEAM,
          { split: sizeVariants(), sizeNoun: "technology teams at organizations" },
        ),
        s(
          "Chief Information Security Officer of the Year",
          "For a CISO or security chief who raised their organization's security maturity and handled threats well.",
          ["CISO", "security leader"],
          IND_P,
        ),
        s(
          "Chief Data or AI Officer of the Year",
          "For the executive responsible for data or AI whose programmes produced measurable business value.",
          ["chief data officer", "chief AI officer"],
          IND_P,
        ),
        c(
          "Tech Innovator of the Year",
          "For an individual engineer, scientist or product builder whose invention or technical work had outsized impact.",
          ["innovator", "engineer", "inventor"],
          IND_P,
        ),
        s(
          "Women in Technology Leader of the Year",
          "For a woman technology leader whose technical and leadership achievements stood out, including work to bring more women into tech.",
          ["women in tech", "female technology leader"],
          IND_P,
        ),
        s(
          "Emerging Technology Leader of the Year",
          "For a technologist in the first ten years of their career who led a notable project or product.",
          ["emerging leader", "young technologist"],
          IND_P,
        ),
        s(
          "Open Source Contribution of the Year",
          "For a person, team or company whose open-source project or contributions were widely adopted by others.",
          ["open source", "community"],
          ["individual", "team", "organization"],
        ),
      ],
    },
    {
      short: "ORG",
      name: "Technology Company Awards",
      items: [
        c(
          "Tech Startup of the Year",
          "For a young technology company that has shipped a product, won paying customers or raised significant funding.",
          ["tech startup", "venture-backed"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"], regionNoun: "startups", split: regionVariants() },
        ),
        s(
          "Technology Company of the Year",
          "For a technology vendor judged on product leadership, growth and customer outcomes in the year.",
          ["technology company", "tech vendor"],
          ORG,
          { split: sizeVariants(), sizeNoun: "technology companies" },
        ),
        s(
          "Technology Services Provider of the Year",
          "For a systems integrator, consultancy or managed-service provider judged on complex technology projects delivered for clients.",
          ["systems integrator", "technology consulting"],
          ORG,
        ),
        s(
          "Responsible Technology Initiative of the Year",
          "For work on responsible AI, privacy, accessibility or digital inclusion that goes beyond legal requirements.",
          ["responsible AI", "privacy", "digital inclusion"],
          ["organization", "campaign"],
        ),
        s(
          "Technology Partnership of the Year",
          "For a partnership between vendors, or between a vendor and a customer, that produced a joint solution with measurable results.",
          ["partnership", "alliance", "co-innovation"],
          ["organization", "team"],
        ),
        s(
          "Innovation Program or Hackathon of the Year",
          "For an internal innovation lab, accelerator or hackathon that turned ideas into shipped products.",
          ["hackathon", "innovation lab", "accelerator"],
          ["organization", "campaign"],
        ),
        s(
          "Technology Workplace of the Year",
          "For a technology employer whose engineering culture, career paths and developer experience stand out.",
          ["tech employer", "developer experience"],
          ORG,
        ),
        s(
          "Technology Research Lab of the Year",
          "For a corporate, university or independent research lab whose work led to publications, patents or products.",
          ["research lab", "R&D lab"],
          ORG,
        ),
        s(
          "Technology for Social Good of the Year",
          "For technology deployed by a company, non-profit or government to address a social or environmental need.",
          ["tech for good", "social impact"],
          ["organization", "product"],
          { orgTypes: ["any"] },
        ),
      ],
    },
  ],
});

PROGRAMS.push({
  code: "APAC",
  name: "The Asia-Pacific Stevie Awards",
  geography:
    "Organizations in the nations of the Asia-Pacific region, from Japan, Korea and China to India, Southeast Asia, Australia, New Zealand and the Pacific Islands",
  season: "Entries open in late summer and close in the autumn or early winter; winners are announced in early spring",
  description:
    "The Stevie programme for innovation in the Asia-Pacific region. Most categories recognise innovation in a business function and are split by sector, from computer industries and financial services to government and non-profits.",
  url: "https://asia.stevieawards.com",
  regions: ["asia-pacific"],
  org: "an organization in the Asia-Pacific region",
  place: "in the Asia-Pacific region",
  groups: [
    {
      short: "CS",
      name: "Customer Service Innovation Awards",
      items: [
        c(
          "Award for Innovation in Customer Service",
          "For a new approach to serving customers at {org}, such as redesigned service channels, policies or processes that raised satisfaction.",
          ["customer service", "service innovation"],
          ["organization", "team"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS), splitSourced: true },
        ),
        c(
          "Award for Innovative Use of Technology in Customer Service",
          "For technology such as chatbots in local languages, super-app integration or analytics that transformed service delivery at {org}.",
          ["customer service technology", "chatbot", "super app"],
          ["organization", "team"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS), splitSourced: true },
        ),
      ],
    },
    {
      short: "TECH",
      name: "Technology Innovation Awards",
      items: [
        c(
          "Award for Innovation in Technology Development",
          "For software, hardware or digital platforms developed by {org} that introduced a genuinely new capability.",
          ["technology development", "R&D"],
          ["organization", "team", "product"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS), splitSourced: true },
        ),
        c(
          "Award for Innovative Use of Technology in Business",
          "For {org} that adopted technology such as AI, cloud, IoT or automation to change how it operates or competes.",
          ["digital transformation", "technology adoption"],
          ["organization", "team"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS) },
        ),
      ],
    },
    {
      short: "MGMT",
      name: "Management & Corporate Innovation Awards",
      items: [
        c(
          "Award for Innovative Management",
          "For leaders or management teams at {org} who introduced new structures, strategies or ways of working with measurable effect.",
          ["innovative management", "leadership"],
          ["individual", "team"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS), splitSourced: true },
        ),
        c(
          "Award for Innovation in Corporate Social Responsibility",
          "For a CSR or ESG programme at {org} that took an original approach to community, environmental or social problems.",
          ["CSR", "ESG", "community"],
          ["organization", "campaign"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS), splitSourced: true },
        ),
        c(
          "Award for Innovation in Human Resources",
          "For new approaches to hiring, developing, engaging or retaining people at {org}.",
          ["human resources", "HR innovation", "talent"],
          ["organization", "team"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS) },
        ),
      ],
    },
    {
      short: "MKT",
      name: "Marketing & Communications Innovation Awards",
      items: [
        c(
          "Award for Innovation in Marketing",
          "For a marketing campaign or programme by {org} that used a fresh idea, channel or data approach to reach Asia-Pacific audiences.",
          ["marketing innovation", "campaign"],
          ["campaign", "team"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS), splitSourced: true },
        ),
        c(
          "Award for Innovation in Public Relations & Communications",
          "For PR or communications work by {org} that reached stakeholders in a new way, including multilingual or regional campaigns.",
          ["public relations", "communications"],
          ["campaign", "team"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS) },
        ),
      ],
    },
    {
      short: "PROD",
      name: "Product & Service Innovation Awards",
      items: [
        c(
          "Award for Innovation in Product Development",
          "For a new physical or digital product launched by {org} that solved a problem in a new way.",
          ["product development", "new product"],
          ["product", "team"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS) },
        ),
        s(
          "Award for Innovation in Sustainability",
          "For {org} that cut emissions, waste or resource use through an original product, process or business model.",
          ["sustainability", "net zero", "circular economy"],
          ["organization", "campaign"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS) },
        ),
        s(
          "Award for Innovation in Sales & Business Development",
          "For new selling models, partner ecosystems or market-entry approaches at {org} that grew revenue across Asia-Pacific markets.",
          ["sales innovation", "business development", "market entry"],
          ["organization", "team"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS) },
        ),
        s(
          "Award for Innovation in Operations & Supply Chain",
          "For process, manufacturing, logistics or procurement improvements at {org} that cut cost or lead time in original ways.",
          ["operations", "supply chain", "lean"],
          ["organization", "team"],
          { split: sectorVariants(APAC_SECTOR, APAC_SECTORS) },
        ),
      ],
    },
    {
      short: "ORG",
      name: "Organization & Individual Innovation Awards",
      items: [
        c(
          "Innovative Company of the Year",
          "For {org} whose overall record of innovation in products, services and operations stands out in the region.",
          ["innovative company", "company of the year"],
          ORG,
          { split: sizeVariants(), splitSourced: true },
        ),
        c(
          "Innovative Executive of the Year",
          "For a senior leader at {org} who championed innovation and delivered results from it.",
          ["innovative executive", "CEO"],
          IND_P,
        ),
        c(
          "Innovator of the Year",
          "For an individual at {org}, at any level, whose idea or invention made a measurable difference.",
          ["innovator", "inventor"],
          IND_P,
        ),
        c(
          "Most Innovative Woman of the Year",
          "For a woman in the Asia-Pacific region whose innovative leadership or work stood out during the year.",
          ["women leaders", "female innovator"],
          IND_P,
        ),
        c(
          "Innovative Startup of the Year",
          "For a young company in the Asia-Pacific region, typically under five years old, built around an innovative product or business model.",
          ["startup", "innovative startup"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"] },
        ),
        c(
          "Innovative Tech Startup of the Year",
          "For a young technology company in the Asia-Pacific region with a novel software, hardware or deep-tech product.",
          ["tech startup", "deep tech"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"] },
        ),
        s(
          "Innovative Team of the Year",
          "For a team at {org} that produced an innovation through cross-functional collaboration.",
          ["innovation team", "cross-functional"],
          TEAM,
        ),
        s(
          "Innovative Achievement of the Year",
          "For the most innovative achievement by {org} in a single national market, whether a product, programme or transformation.",
          ["national achievement", "country award"],
          ["organization", "team", "product"],
          {
            split: listVariants([
              [
                "Australia",
                "This split is for organizations headquartered or mainly operating in Australia.",
                ["Australia"],
                { regions: ["asia-pacific", "australia"] },
              ],
              [
                "China",
                "This split is for organizations headquartered or mainly operating in mainland China.",
                ["China"],
                { regions: ["asia-pacific", "china"] },
              ],
              [
                "Hong Kong & Macau",
                "This split is for organizations headquartered or mainly operating in Hong Kong or Macau.",
                ["Hong Kong", "Macau"],
                { regions: ["asia-pacific", "hong-kong"] },
              ],
              [
                "India & South Asia",
                "This split is for organizations in India, Bangladesh, Sri Lanka, Nepal and neighbouring South Asian countries.",
                ["India", "South Asia"],
                { regions: ["asia-pacific", "india"] },
              ],
              [
                "Indonesia",
                "This split is for organizations headquartered or mainly operating in Indonesia.",
                ["Indonesia"],
                { regions: ["asia-pacific", "indonesia"] },
              ],
              [
                "Japan",
                "This split is for organizations headquartered or mainly operating in Japan.",
                ["Japan"],
                { regions: ["asia-pacific", "japan"] },
              ],
              [
                "Korea",
                "This split is for organizations headquartered or mainly operating in the Republic of Korea.",
                ["Korea"],
                { regions: ["asia-pacific", "korea"] },
              ],
              [
                "Malaysia",
                "This split is for organizations headquartered or mainly operating in Malaysia.",
                ["Malaysia"],
                { regions: ["asia-pacific", "malaysia"] },
              ],
              [
                "New Zealand & Pacific Islands",
                "This split is for organizations in New Zealand, Fiji, Papua New Guinea and other Pacific Island nations.",
                ["New Zealand", "Pacific Islands"],
                { regions: ["asia-pacific", "new-zealand"] },
              ],
              [
                "Philippines",
                "This split is for organizations headquartered or mainly operating in the Philippines.",
                ["Philippines"],
                { regions: ["asia-pacific", "philippines"] },
              ],
              [
                "Singapore",
                "This split is for organizations headquartered or mainly operating in Singapore.",
                ["Singapore"],
                { regions: ["asia-pacific", "singapore"] },
              ],
              [
                "Taiwan",
                "This split is for organizations headquartered or mainly operating in Taiwan.",
                ["Taiwan"],
                { regions: ["asia-pacific", "taiwan"] },
              ],
              [
                "Thailand & Vietnam",
                "This split is for organizations in Thailand, Vietnam, Cambodia, Laos and Myanmar.",
                ["Thailand", "Vietnam"],
                { regions: ["asia-pacific", "thailand", "vietnam"] },
              ],
            ]),
          },
        ),
        s(
          "Innovative Young Professional of the Year",
          "For a professional aged 35 or under in the region whose innovative work stands out.",
          ["young professional", "rising star"],
          IND_P,
        ),
      ],
    },
    {
      short: "MEDIA",
      name: "Digital, Event & Publication Innovation Awards",
      items: [
        s(
          "Award for Innovation in Websites",
          "For a website by {org} that used innovative design, localisation or functionality to serve users.",
          ["website", "web design"],
          ["website"],
          { formats: ["written"] },
        ),
        s(
          "Award for Innovation in Mobile Apps",
          "For a mobile app or super-app mini-program by {org} that introduced new features or reached new users.",
          ["mobile app", "mini program"],
          ["app"],
        ),
        s(
          "Award for Innovation in Video",
          "For brand, training or documentary video produced by {org} with innovative storytelling or format.",
          ["video", "brand film"],
          CAMPAIGN,
          { formats: ["video"] },
        ),
        s(
          "Award for Innovation in Events",
          "For conferences, launches, festivals or hybrid events staged by {org} with innovative formats.",
          ["event", "conference"],
          ["event"],
        ),
        s(
          "Award for Innovation in Corporate Publications",
          "For annual reports, sustainability reports, magazines or newsletters published by {org}.",
          ["annual report", "publication"],
          ["publication"],
          { formats: ["written"] },
        ),
      ],
    },
  ],
});

PROGRAMS.push({
  code: "MENA",
  name: "The Middle East & North Africa Stevie Awards",
  geography:
    "Organizations in Middle East and North African countries, including the Gulf states, the Levant, Egypt and the Maghreb",
  season: "Entries open in summer and close in the autumn; winners are announced early in the following year",
  description:
    "The Stevie programme for achievement and innovation in the Middle East and North Africa, with many categories split between government, semi-government, private-sector and non-profit entrants.",
  url: "https://mena.stevieawards.com",
  regions: ["mena"],
  org: "an organization in the Middle East or North Africa",
  place: "in the Middle East and North Africa",
  groups: [
    {
      short: "INNO",
      name: "Innovation Awards",
      items: [
        c(
          "Innovation in Customer Service",
          "For a new way of serving customers or citizens at {org}, such as smart-service centres, unified service apps or Arabic-language AI assistants.",
          ["customer service", "smart services", "Arabic chatbot"],
          ["organization", "team"],
          { split: sectorVariants(MENA_SECTOR, MENA_SECTORS), splitSourced: true },
        ),
        c(
          "Innovation in Technology Development",
          "For a platform, application or system developed by {org} that introduced a new capability in the region.",
          ["technology development", "software"],
          ["organization", "team", "product"],
          { split: sectorVariants(MENA_SECTOR, MENA_SECTORS), splitSourced: true },
        ),
        s(
          "Digital Transformation Initiative of the Year",
          "For a programme at {org} that moved services, records or operations onto digital channels, with adoption figures.",
          ["digital transformation", "e-government"],
          ["organization", "team"],
          { split: sectorVariants(MENA_SECTOR, MENA_SECTORS) },
        ),
        c(
          "Innovation in Management",
          "For a leader or management team at {org} who introduced new strategy, structures or ways of working with measurable effect.",
          ["management", "leadership", "strategy"],
          ["individual", "team"],
          { split: sectorVariants(MENA_SECTOR, MENA_SECTORS) },
        ),
        c(
          "Innovation in Human Resources & Workplace",
          "For HR practices at {org} that developed national talent, improved engagement or supported workforce localisation goals such as Emiratisation or Saudisation.",
          ["HR", "workforce localisation", "Emiratisation", "Saudisation"],
          ["organization", "team"],
          { split: sectorVariants(MENA_SECTOR, MENA_SECTORS) },
        ),
        c(
          "Innovation in Corporate Social Responsibility",
          "For a CSR, philanthropy or community programme by {org} with an original approach and documented outcomes.",
          ["CSR", "community", "philanthropy"],
          ["organization", "campaign"],
          { split: sectorVariants(MENA_SECTOR, MENA_SECTORS), splitSourced: true },
        ),
        s(
          "Innovation in Sustainability",
          "For {org} that reduced energy, water or carbon intensity, for example through solar, desalination efficiency or green-building projects.",
          ["sustainability", "net zero", "water"],
          ["organization", "campaign"],
          { split: sectorVariants(MENA_SECTOR, MENA_SECTORS) },
        ),
        c(
          "Innovation in Marketing & Communications",
          "For a campaign by {org} that used a fresh creative or channel approach to reach Arabic- or multilingual audiences.",
          ["marketing", "communications", "Arabic content"],
          ["campaign", "team"],
          { split: sectorVariants(MENA_SECTOR, MENA_SECTORS) },
        ),
      ],
    },
    {
      short: "ORG",
      name: "Organization Awards",
      items: [
        s(
          "Company of the Year",
          "For {org} recognised for growth, profitability and reputation across the region in the past year.",
          ["company of the year"],
          ORG,
          { split: sizeVariants() },
        ),
        c(
          "Startup of the Year",
          "For a young company in the region, typically under five years old, that has proven its model with customers or investors.",
          ["startup", "venture"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"] },
        ),
        s(
          "Tech Startup of the Year",
          "For a young MENA technology company with a shipped product and traction, for example in fintech, e-commerce or logistics tech.",
          ["tech startup", "fintech startup"],
          ORG,
          { orgTypes: ["startup"], sizes: ["small"] },
        ),
        s(
          "Government Entity of the Year",
          "For a ministry, authority or municipality in the region that transformed public services or citizen happiness measures.",
          ["government entity", "public services"],
          ORG,
          { orgTypes: ["government"] },
        ),
        s(
          "National Achievement of the Year",
          "For the standout achievement of {org} within its home country, whether a launch, transformation or community programme.",
          ["national achievement"],
          ["organization", "team"],
          {
            split: listVariants([
              [
                "United Arab Emirates",
                "This split is for organizations in the UAE, including Abu Dhabi, Dubai, Sharjah and the northern emirates.",
                ["UAE", "Dubai", "Abu Dhabi"],
                { regions: ["mena", "uae"] },
              ],
              [
                "Saudi Arabia",
                "This split is for organizations in the Kingdom of Saudi Arabia, including Vision 2030 programmes.",
                ["Saudi Arabia", "Vision 2030"],
                { regions: ["mena", "saudi-arabia"] },
              ],
              [
                "Qatar",
                "This split is for organizations in the State of Qatar.",
                ["Qatar", "Doha"],
                { regions: ["mena", "qatar"] },
              ],
              [
                "Kuwait",
                "This split is for organizations in the State of Kuwait.",
                ["Kuwait"],
                { regions: ["mena", "kuwait"] },
              ],
              [
                "Bahrain & Oman",
                "This split is for organizations in the Kingdom of Bahrain or the Sultanate of Oman.",
                ["Bahrain", "Oman"],
                { regions: ["mena", "bahrain", "oman"] },
              ],
              [
                "Egypt",
                "This split is for organizations in Egypt.",
                ["Egypt", "Cairo"],
                { regions: ["mena", "egypt"] },
              ],
              [
                "Jordan & the Levant",
                "This split is for organizations in Jordan, Lebanon, Iraq and Palestine.",
                ["Jordan", "Lebanon", "Levant"],
                { regions: ["mena", "jordan", "lebanon"] },
              ],
              [
                "Morocco & the Maghreb",
                "This split is for organizations in Morocco, Algeria, Tunisia and Libya.",
                ["Morocco", "Tunisia", "Maghreb"],
                { regions: ["mena", "morocco", "tunisia"] },
              ],
            ]),
          },
        ),
        s(
          "Family Business of the Year",
          "For a family-owned group in the region that grew, professionalised governance or handled succession well.",
          ["family business", "succession"],
          ORG,
        ),
      ],
    },
    {
      short: "IND",
      name: "Individual Awards",
      items: [
        c(
          "Executive of the Year",
          "For a senior executive at {org} whose leadership produced measurable results during the year.",
          ["executive", "CEO"],
          IND_P,
          { split: sectorVariants(MENA_SECTOR, MENA_SECTORS), who: "executives at " },
        ),
        c(
          "Woman of the Year",
          "For a woman in the Middle East or North Africa whose professional achievements in the year stood out.",
          ["women leaders", "woman of the year"],
          IND_P,
        ),
        s(
          "Young Professional of the Year",
          "For a professional aged 35 or under in the region whose achievements already stand out.",
          ["young professional", "rising star"],
          IND_P,
        ),
        s(
          "Entrepreneur of the Year",
          "For a founder in the region who built a growing business and created jobs.",
          ["entrepreneur", "founder"],
          IND_P,
        ),
      ],
    },
    {
      short: "PROD",
      name: "Product, Digital & Media Awards",
      items: [
        s(
          "New Product or Service of the Year - Technology",
          "For a software, hardware or digital service launched by {org}.",
          ["technology product", "software"],
          PRODUCT,
        ),
        s(
          "New Product or Service of the Year - Financial Services",
          "For a banking, Islamic-finance, insurance or payment product launched by {org}.",
          ["financial product", "Islamic finance", "payments"],
          PRODUCT,
        ),
        s(
          "New Product or Service of the Year - Consumer",
          "For a food, retail, hospitality or consumer product or service launched by {org}.",
          ["consumer product", "retail"],
          PRODUCT,
        ),
        s(
          "New Product or Service of the Year - Government Service",
          "For a new digital or in-person public service launched by a government entity in the region.",
          ["government service", "e-services"],
          PRODUCT,
          { orgTypes: ["government"] },
        ),
        s(
          "Website or App of the Year",
          "For a website or mobile app by {org} judged on Arabic and English usability, design and adoption.",
          ["website", "mobile app", "Arabic"],
          ["website", "app"],
        ),
        s(
          "Event of the Year",
          "For a conference, exhibition, national celebration or launch event staged by {org}.",
          ["event", "exhibition"],
          ["event"],
        ),
        s(
          "Annual or Sustainability Report of the Year",
          "For an annual, integrated or sustainability report published by {org}.",
          ["annual report", "sustainability report"],
          ["publication"],
          { formats: ["written"] },
        ),
      ],
    },
  ],
});

PROGRAMS.push({
  code: "GERMAN",
  name: "The German Stevie Awards",
  geography: "Organizations in Germany, Austria and Switzerland (the DACH region)",
  season: "Entries open in autumn and close in winter; winners are announced in spring",
  description:
    "The Stevie programme for German-speaking Europe, recognising companies, leaders, innovation, products, marketing and customer service at organizations in Germany, Austria and Switzerland. Entries may be submitted in German or English.",
  regions: ["germany", "austria", "switzerland"],
  org: "an organization in Germany, Austria or Switzerland",
  place: "in Germany, Austria or Switzerland",
  groups: [
    {
      short: "ORG",
      name: "Unternehmen (Company Awards)",
      items: [
        c(
          "Unternehmen des Jahres (Company of the Year)",
          "Recognises {org} for its overall business performance, growth and reputation over the past year.",
          ["Unternehmen des Jahres", "company of the year"],
          ORG,
          { split: industryVariants(DE_INDS, DE_IND) },
        ),
        s(
          "Mittelständisches Unternehmen des Jahres (Mittelstand Company of the Year)",
          "For a family-owned or owner-managed Mittelstand firm in the DACH region, often a hidden champion in a niche export market, judged on growth and innovation.",
          ["Mittelstand", "hidden champion", "Familienunternehmen"],
          ORG,
          { sizes: ["small", "medium"] },
        ),
        c(
          "Startup des Jahres (Startup of the Year)",
          "For a young company, usually founded in the last five years, with a validated product and early customers or funding.",
          ["Startup", "Gründung"],
          ORG,
          {
            orgTypes: ["startup"],
            sizes: ["small"],
            split: listVariants([
              [
                "Deutschland",
                "This split is for startups based in Germany, from Berlin and Munich to Hamburg and the Rhine-Ruhr region.",
                ["Deutschland", "Germany"],
                { regions: ["germany"] },
              ],
              [
                "Österreich",
                "This split is for startups based in Austria, such as Vienna, Graz or Linz.",
                ["Österreich", "Austria"],
                { regions: ["austria"] },
              ],
              [
                "Schweiz",
                "This split is for startups based in Switzerland, such as Zurich, Lausanne, Basel or Zug.",
                ["Schweiz", "Switzerland"],
                { regions: ["switzerland"] },
              ],
            ]),
          },
        ),
        s(
          "Arbeitgeber des Jahres (Employer of the Year)",
          "For {org} that offers an outstanding workplace, including training, apprenticeships (Ausbildung), flexible work and fair pay.",
          ["Arbeitgeber", "employer of the year", "Ausbildung"],
          ORG,
          { split: sizeVariants(), sizeNoun: "employers" },
        ),
        s(
          "Nachhaltigkeitsinitiative des Jahres (Sustainability Initiative of the Year)",
          "For a climate, circular-economy or social-sustainability programme at {org}, with measured reductions or outcomes and CSRD-quality reporting.",
          ["Nachhaltigkeit", "CSRD", "sustainability"],
          ["organization", "campaign"],
        ),
        s(
          "Ausbildungsprogramm des Jahres (Apprenticeship Programme of the Year)",
          "For a dual-system apprenticeship or trainee programme at {org} that attracted, trained and retained young people.",
          ["Ausbildung", "apprenticeship", "duales Studium"],
          ["organization", "campaign"],
        ),
        s(
          "Diversität & Inklusion des Jahres (Diversity & Inclusion Initiative of the Year)",
          "For work at {org} that widened representation and inclusion, for example under the Charta der Vielfalt.",
          ["Diversität", "Inklusion", "diversity"],
          ["organization", "campaign"],
        ),
        s(
          "Betriebliches Gesundheitsmanagement des Jahres (Workplace Health Programme of the Year)",
          "For a BGM programme at {org} that improved employees' physical and mental health with measured results.",
          ["BGM", "Gesundheitsmanagement", "wellbeing"],
          ["organization", "campaign"],
        ),
        s(
          "Unternehmensnachfolge des Jahres (Business Succession of the Year)",
          "For a family business in the DACH region that handed over ownership or leadership to a new generation or buyer while keeping the company growing.",
          ["Nachfolge", "succession", "Familienunternehmen"],
          ORG,
        ),
        s(
          "Digitalisierungsprojekt des Jahres (Digitalisation Project of the Year)",
          "For a project at {org} that digitised processes, customer channels or public administration, such as online-access-act services or paperless workflows.",
          ["Digitalisierung", "digital transformation", "OZG"],
          ["organization", "team"],
        ),
      ],
    },
    {
      short: "LEAD",
      name: "Führungskräfte (Leadership Awards)",
      items: [
        c(
          "Führungskraft des Jahres (Executive of the Year)",
          "For a managing director (Geschäftsführer), board member (Vorstand) or other senior leader whose leadership delivered results at {org}.",
          ["Führungskraft", "Geschäftsführer", "executive"],
          IND_P,
          { who: "executives at ", split: industryVariants(DE_INDS, DE_IND) },
        ),
        s(
          "Unternehmer/Unternehmerin des Jahres (Entrepreneur of the Year)",
          "For a founder or owner in the DACH region who built or transformed a business and created jobs.",
          ["Unternehmer", "entrepreneur", "Gründer"],
          IND_P,
        ),
        s(
          "Frau des Jahres (Woman of the Year)",
          "For a woman in Germany, Austria or Switzerland whose professional achievements in the year stood out.",
          ["Frauen in Führung", "woman of the year"],
          IND_P,
        ),
        s(
          "Managementteam des Jahres (Management Team of the Year)",
          "For the leadership team of {org} judged on what it achieved together in the year.",
          ["Managementteam", "leadership team"],
          TEAM,
        ),
        s(
          "Nachwuchsführungskraft des Jahres (Young Leader of the Year)",
          "For a leader aged 35 or under in the DACH region who already runs a team, business unit or venture.",
          ["Nachwuchs", "young leader"],
          IND_P,
        ),
      ],
    },
    {
      short: "INNO",
      name: "Innovation (Innovation Awards)",
      items: [
        c(
          "Innovation des Jahres (Innovation of the Year)",
          "For a new product, process or business model from {org} that is technically original and already in use by customers.",
          ["Innovation", "innovation of the year"],
          ["organization", "product", "team"],
          { split: industryVariants(DE_INDS, DE_IND) },
        ),
        s(
          "Forschungs- und Entwicklungsteam des Jahres (R&D Team of the Year)",
          "For an R&D or engineering team at {org} whose work led to patents, prototypes or market launches.",
          ["Forschung und Entwicklung", "R&D", "Patente"],
          TEAM,
        ),
        s(
          "KI-Anwendung des Jahres (AI Application of the Year)",
          "For an AI application built or deployed by {org}, judged on measured results and compliance with the EU AI Act.",
          ["künstliche Intelligenz", "KI", "AI Act"],
          ["product", "organization"],
        ),
      ],
    },
    {
      short: "IT",
      name: "Technologie & IT (Technology Awards)",
      items: [
        s(
          "IT-Team des Jahres (IT Team of the Year)",
          "For the in-house IT department of {org}, judged on stability, projects delivered and support for the business.",
          ["IT-Team", "IT-Abteilung"],
          TEAM,
        ),
        s(
          "Cybersecurity-Projekt des Jahres (Cybersecurity Project of the Year)",
          "For a security programme at {org} that raised resilience against ransomware or met NIS2 and BSI requirements.",
          ["Cybersecurity", "IT-Sicherheit", "NIS2"],
          ["organization", "team"],
        ),
        s(
          "Cloud-Projekt des Jahres (Cloud Project of the Year)",
          "For a migration or cloud-native build at {org}, including sovereign-cloud and GDPR-compliant set-ups.",
          ["Cloud", "DSGVO", "sovereign cloud"],
          ["organization", "team"],
        ),
        s(
          "Software des Jahres (Software of the Year)",
          "For a software product developed in the DACH region and launched or substantially upgraded during the year.",
          ["Software", "SaaS"],
          PRODUCT,
        ),
        s(
          "Technologie-Führungskraft des Jahres (Technology Executive of the Year)",
          "For a CIO, CTO or CDO at {org} who led a major technology change.",
          ["CIO", "CTO", "Technologie"],
          IND_P,
        ),
      ],
    },
    {
      short: "PROD",
      name: "Produkte (Product Awards)",
      items: [
        s(
          "Neues Produkt des Jahres (New Product of the Year)",
          "For a product or service launched by {org} during the year, judged on originality, quality and market response.",
          ["neues Produkt", "new product"],
          PRODUCT,
          { split: industryVariants(DE_INDS, DE_IND), focus: false, who: "products from " },
        ),
      ],
    },
    {
      short: "MKT",
      name: "Marketing & Kommunikation (Marketing & Communications Awards)",
      items: [
        s(
          "Marketingkampagne des Jahres (Marketing Campaign of the Year)",
          "For a campaign by {org} aimed at German-speaking audiences, judged on idea, execution and results.",
          ["Marketingkampagne", "marketing campaign"],
          CAMPAIGN,
          {
            split: listVariants([
              [
                "B2C",
                "This split is for campaigns aimed at consumers, across TV, out-of-home, social, retail or events.",
                ["B2C", "Verbraucher"],
              ],
              [
                "B2B",
                "This split is for campaigns aimed at business buyers, trade audiences or trade-fair (Messe) visitors.",
                ["B2B", "Messe"],
              ],
            ]),
          },
        ),
        s(
          "PR-Kampagne des Jahres (PR Campaign of the Year)",
          "For a public-relations or communications campaign by {org}, judged on strategy, media coverage and stakeholder effect.",
          ["PR-Kampagne", "Öffentlichkeitsarbeit"],
          CAMPAIGN,
        ),
        s(
          "Kommunikationsteam des Jahres (Communications Team of the Year)",
          "For the communications, PR or corporate-affairs team of {org}.",
          ["Kommunikationsteam", "Unternehmenskommunikation"],
          TEAM,
        ),
        s(
          "Markenrelaunch des Jahres (Brand Relaunch of the Year)",
          "For a rebrand or brand relaunch by {org}, judged on rationale, design and customer response.",
          ["Markenrelaunch", "rebrand"],
          CAMPAIGN,
        ),
        s(
          "Website des Jahres (Website of the Year)",
          "For a website launched or redesigned by {org}, judged on design, accessibility (Barrierefreiheit) and performance.",
          ["Website", "Barrierefreiheit"],
          ["website"],
          { formats: ["written"] },
        ),
        s(
          "App des Jahres (App of the Year)",
          "For a mobile app published by {org} for German-speaking users.",
          ["App", "mobile app"],
          ["app"],
        ),
        s(
          "Video des Jahres (Video of the Year)",
          "For a brand, recruiting or explainer video produced by or for {org}.",
          ["Video", "Imagefilm"],
          CAMPAIGN,
          { formats: ["video"] },
        ),
        s(
          "Event des Jahres (Event of the Year)",
          "For a conference, trade-fair stand, product launch or employee event staged by {org}.",
          ["Event", "Messe", "Konferenz"],
          ["event"],
        ),
        s(
          "Geschäftsbericht des Jahres (Annual Report of the Year)",
          "For an annual or sustainability report published by {org}, judged on transparency and design.",
          ["Geschäftsbericht", "Nachhaltigkeitsbericht"],
          ["publication"],
          { formats: ["written"] },
        ),
      ],
    },
    {
      short: "SERV",
      name: "Kundenservice & Personal (Customer Service & HR Awards)",
      items: [
        s(
          "Kundenservice-Abteilung des Jahres (Customer Service Department of the Year)",
          "For the customer-service department of {org}, judged on satisfaction, reachability and resolution data.",
          ["Kundenservice", "customer service"],
          TEAM,
          { split: sizeVariants(), sizeNoun: "service departments of organizations" },
        ),
        s(
          "Contact Center des Jahres (Contact Center of the Year)",
          "For an in-house or outsourced contact centre serving German-speaking customers.",
          ["Contact Center", "Callcenter"],
          TEAM,
        ),
        s(
          "Kundenservice-Innovation des Jahres (Customer Service Innovation of the Year)",
          "For a new channel, technology or process that improved service at {org}.",
          ["Service-Innovation", "Chatbot"],
          ["organization", "team"],
        ),
        s(
          "Personalabteilung des Jahres (HR Department of the Year)",
          "For the HR team of {org}, judged on recruiting, apprenticeship and retention programmes.",
          ["Personalabteilung", "HR"],
          TEAM,
        ),
        s(
          "Vertriebsteam des Jahres (Sales Team of the Year)",
          "For a sales team at {org} that exceeded targets in DACH or export markets.",
          ["Vertrieb", "sales team"],
          TEAM,
        ),
        s(
          "Vertriebsmitarbeiter/in des Jahres (Sales Professional of the Year)",
          "For an individual salesperson or account manager at {org} with outstanding results.",
          ["Vertrieb", "Außendienst", "sales representative"],
          IND_P,
        ),
      ],
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// Build
// ---------------------------------------------------------------------------------------------

const DEFAULT_FORMATS = ["written-or-video"];

function uniq(list) {
  return [...new Set(list)];
}

function fill(text, program) {
  return text.replaceAll("{org}", program.org).replaceAll("{place}", program.place);
}

function build() {
  const programs = [];
  const groups = [];
  const categories = [];
  for (const p of PROGRAMS) {
    programs.push({
      code: p.code,
      name: p.name,
      geography: p.geography,
      season: p.season,
      description: p.description,
      ...(p.url ? { url: p.url } : {}),
    });
    for (const g of p.groups) {
      const groupCode = `${p.code}-${g.short}`;
      groups.push({ code: groupCode, programCode: p.code, name: g.name });
      let n = 0;
      for (const base of g.items) {
        const baseText = fill(base.text, p);
        const variants = base.split ?? [null];
        for (const v of variants) {
          n += 1;
          const name = v ? `${base.name} - ${v.suffix}` : base.name;
          const description = v ? `${baseText} ${fill(v.clause(base), p)}` : baseText;
          const orgTypes = v?.orgTypes ?? base.orgTypes ?? ["any"];
          categories.push({
            code: `${groupCode}-${String(n).padStart(3, "0")}`,
            programCode: p.code,
            groupCode,
            name,
            description,
            keywords: uniq([...base.kw, ...(v?.kw ?? [])]),
            eligibility: {
              nomineeTypes: base.nominee,
              organizationTypes: orgTypes,
              organizationSizes: v?.sizes ?? base.sizes ?? ["any"],
              regions: v?.regions ?? p.regions,
              entryFormats: base.formats ?? DEFAULT_FORMATS,
            },
            provenance: base.sourced && (!v || base.splitSourced) ? "sourced" : "synthesised",
          });
        }
      }
    }
  }
  return { version: VERSION, programs, groups, categories };
}

function sanityCheck(catalog) {
  const problems = [];
  const seen = new Map();
  const names = new Set();
  for (const cat of catalog.categories) {
    if (seen.has(cat.description)) problems.push(`duplicate description: ${cat.code} and ${seen.get(cat.description)}`);
    seen.set(cat.description, cat.code);
    const key = `${cat.programCode}|${cat.name}`;
    if (names.has(key)) problems.push(`duplicate name in programme: ${key}`);
    names.add(key);
    if (cat.description.length < 60) problems.push(`short description: ${cat.code}`);
    if (/\{(org|place)\}/.test(cat.description)) problems.push(`unfilled placeholder: ${cat.code}`);
  }
  const n = catalog.categories.length;
  if (n < 1300 || n > 1400) problems.push(`category count ${n} outside 1,300-1,400`);
  return problems;
}

/** Compact JSON: objects indented, arrays of primitives kept on one line. */
function serialise(value, indent = "") {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) return JSON.stringify(value);
    const inner = indent + "  ";
    return `[\n${value.map((v) => inner + serialise(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (value && typeof value === "object") {
    const inner = indent + "  ";
    const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${serialise(v, inner)}`);
    return `{\n${entries.join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

function tally(catalog) {
  const counts = {};
  const prov = {};
  for (const cat of catalog.categories) {
    counts[cat.programCode] = (counts[cat.programCode] ?? 0) + 1;
    prov[cat.provenance] = (prov[cat.provenance] ?? 0) + 1;
  }
  return { counts, prov };
}

const catalog = build();
const problems = sanityCheck(catalog);
if (problems.length > 0) {
  console.error(problems.join("\n"));
  console.error(JSON.stringify(tally(catalog).counts));
  process.exit(1);
}
const json = serialise(catalog) + "\n";

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(OUT, "utf8");
  } catch {
    // missing file counts as out of date
  }
  if (current !== json) {
    console.error(`${OUT} is out of date; run: node server/catalog/generate.mjs`);
    process.exit(1);
  }
  console.log("catalog.json is up to date");
} else {
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, json);
  const { counts, prov } = tally(catalog);
  console.log(
    `wrote ${OUT}: ${catalog.categories.length} categories, ${catalog.groups.length} groups, ${(json.length / 1024).toFixed(0)} KiB`,
  );
  console.log(JSON.stringify(counts), JSON.stringify(prov));
}
