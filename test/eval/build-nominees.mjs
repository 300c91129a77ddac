#!/usr/bin/env node
// Builds test/eval/nominees.json from the hand-written nominees below.
// Expected categories are written as "PROGRAM|Category name" and resolved to codes against
// server/catalog/data/catalog.json, so a renamed or missing category fails loudly here.
//
//   node test/eval/build-nominees.mjs
//
// The labels are one careful reviewer's judgement of the 1-5 best-fitting categories, not an
// exhaustive list of every category a nominee could legally enter.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const catalog = JSON.parse(readFileSync(join(HERE, "../../server/catalog/data/catalog.json"), "utf8"));
const byName = new Map(catalog.categories.map((c) => [`${c.programCode}|${c.name}`, c.code]));

const N = [
  // ---------------- American Business Awards (USA)
  [
    "aba-credit-union",
    "Lakeshore Community Credit Union serves about 40,000 members across three Ohio counties with a staff of 85. Last year we grew deposits 22%, rolled out a mobile app that 60% of members now use, and made more small-business loans than in the previous three years combined.",
    {
      nomineeType: "organization",
      organizationType: "company",
      organizationSize: "small",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Company of the Year - Banking - Small", "ABA|Achievement in Growth - Small"],
  ],
  [
    "aba-energy-ceo",
    "Maria Delgado became CEO of our Houston pipeline and gas-processing company in a year of falling prices. She cut methane leaks by 40%, refinanced $1.2 billion of debt and still delivered record throughput.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "medium",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Executive of the Year - Energy"],
  ],
  [
    "aba-saas-startup",
    "Two years ago three of us left our jobs to build scheduling software for veterinary clinics. Today 900 clinics pay for it, we have 40 employees in Denver, and we closed a $12M Series A in March.",
    {
      nomineeType: "organization",
      organizationType: "startup",
      organizationSize: "small",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Tech Startup of the Year", "ABA|Startup of the Year"],
  ],
  [
    "aba-radiology-ai",
    "Our FDA-cleared tool reads chest CT scans and flags suspected pulmonary embolisms within 90 seconds, pushing an alert to the on-call radiologist. It is now live in 120 US hospitals and has cut time-to-treatment by a median of 38 minutes.",
    {
      nomineeType: "product",
      organizationType: "company",
      organizationSize: "medium",
      country: "US",
      programs: ["ABA"],
    },
    [
      "ABA|New Product of the Year - Healthcare Technology Solution",
      "ABA|New Product of the Year - Artificial Intelligence / Machine Learning Solution",
    ],
  ],
  [
    "aba-recall-response",
    "When a supplier's contaminated spinach forced us to pull salad kits from 4,000 stores, our communications team had a consumer notice, retailer briefings and a live FAQ out within three hours. Sentiment recovered to pre-recall levels in six weeks and no major retailer delisted us.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Communications or PR Campaign of the Year - Crisis Communications"],
  ],
  [
    "aba-food-bank",
    "Greater Southside Food Bank distributed 31 million meals across Chicago last year, opened two mobile pantries for seniors and moved 70% of our partner agencies onto online ordering. We did it with 45 staff and 9,000 volunteers.",
    {
      nomineeType: "organization",
      organizationType: "nonprofit",
      organizationSize: "small",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Non-Profit Organization of the Year"],
  ],
  [
    "aba-grocery-campaign",
    "Our 'Dinner for Four Under $20' campaign for a 180-store Midwestern supermarket chain ran on TV, TikTok and in-store radio. It lifted basket size by 9% and brought 300,000 lapsed shoppers back to the loyalty programme.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Marketing Campaign of the Year - Retail"],
  ],
  [
    "aba-broker-rebrand",
    "After fifty years as Hanley Anderson & Partners, our commercial insurance brokerage renamed itself Harbor Risk, rebuilt its visual identity and rewrote every client document in plain English. Inbound enquiries rose 35% in the six months after launch.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "medium",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Brand Renovation of the Year"],
  ],
  [
    "aba-foundry-comeback",
    "A fire destroyed half of our Milwaukee foundry in 2023. We kept all 430 employees on payroll, rebuilt with electric induction furnaces, and by the fourth quarter were shipping more castings than before the fire.",
    {
      nomineeType: "organization",
      organizationType: "company",
      organizationSize: "medium",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Comeback of the Year", "ABA|Company of the Year - Manufacturing - Medium"],
  ],
  [
    "aba-county-cloud",
    "The county's five-person IT team moved 140 legacy applications, including property tax and court records, from an ageing data centre to a government cloud in 14 months. Outages dropped to zero and hosting costs fell by a third.",
    {
      nomineeType: "team",
      organizationType: "government",
      organizationSize: "medium",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Cloud Migration Project of the Year", "ABA|IT Team of the Year"],
  ],
  [
    "aba-utility-report",
    "Our electric cooperative's integrated annual report explains rates, outages and wildfire-mitigation spending in plain language, with interactive maps for each district. Member downloads tripled compared with the old PDF.",
    {
      nomineeType: "publication",
      organizationType: "company",
      organizationSize: "medium",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Annual Report of the Year"],
  ],
  [
    "aba-wealth-podcast",
    "'Money on Main Street' is a weekly show from our wealth-management firm where advisers interview small-town business owners about succession and retirement. It has 120 episodes and 45,000 monthly listeners.",
    {
      nomineeType: "publication",
      organizationType: "company",
      organizationSize: "small",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|Podcast of the Year"],
  ],
  [
    "aba-general-counsel",
    "As general counsel of a national restaurant group, Priya Nair led the defence of a wage-and-hour class action to dismissal, renegotiated 300 leases during the downturn and cut outside legal spend by 28%.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "large",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|General Counsel of the Year"],
  ],
  [
    "aba-zero-trust",
    "Gatekeep is a zero-trust access gateway from our Virginia company that replaces VPNs for hybrid workforces. Released in February, it already protects 1.1 million users and blocked two ransomware intrusions at customer sites this year.",
    {
      nomineeType: "product",
      organizationType: "company",
      organizationSize: "medium",
      country: "US",
      programs: ["ABA"],
    },
    ["ABA|New Product of the Year - Cybersecurity Solution"],
  ],
  [
    "aba-hospital-contact-center",
    "The patient access centre for our 14-hospital health system answers 2.3 million calls a year for scheduling, billing and nurse triage. We cut average wait from six minutes to under ninety seconds and raised first-call resolution to 88%.",
    { nomineeType: "team", organizationType: "nonprofit", organizationSize: "large", country: "US", programs: ["ABA"] },
    ["ABA|Contact Center of the Year - Large", "ABA|Customer Service Department of the Year - Large"],
  ],

  // ---------------- International Business Awards (worldwide)
  [
    "iba-kenya-fintech",
    "We started in Nairobi in 2022 offering instant working-capital loans to market traders through M-Pesa. We have lent to 210,000 traders with a 96% repayment rate and raised US$8 million from regional investors.",
    {
      nomineeType: "organization",
      organizationType: "startup",
      organizationSize: "small",
      country: "KE",
      programs: ["IBA"],
    },
    ["IBA|Startup of the Year - Middle East & Africa", "IBA|Tech Startup of the Year - Middle East & Africa"],
  ],
  [
    "iba-brazil-mine-community",
    "Our iron-ore operation in Minas Gerais set up community councils in eleven towns near the mine, funded tailings-dam early-warning systems and publishes water-quality data every week. Complaints fell by 70% and we earned our first independent social-licence rating.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "BR",
      programs: ["IBA"],
    },
    [
      "IBA|Communications or PR Campaign of the Year - Community Relations",
      "IBA|Corporate Social Responsibility Program of the Year - Latin America",
    ],
  ],
  [
    "iba-spain-hotels",
    "Our Spanish hotel group runs 64 properties and employs 9,000 people. We returned to record occupancy, converted twelve hotels to all-electric heating and opened our first resorts in the Dominican Republic.",
    {
      nomineeType: "organization",
      organizationType: "company",
      organizationSize: "large",
      country: "ES",
      programs: ["IBA"],
    },
    ["IBA|Company of the Year - Hospitality & Leisure - Large"],
  ],
  [
    "iba-india-it-ceo",
    "Under Arvind Rao's leadership our Bengaluru IT-services firm grew revenue 31% to US$420 million, signed its first two European public-sector clients and reskilled 6,000 engineers in generative AI.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "large",
      country: "IN",
      programs: ["IBA"],
    },
    ["IBA|Executive of the Year - Computer Services", "IBA|Chief Executive of the Year - Asia-Pacific"],
  ],
  [
    "iba-canada-expansion",
    "Our Calgary agritech company opened offices in Ireland and the Netherlands this year and now earns 40% of revenue outside Canada, up from 8%.",
    {
      nomineeType: "organization",
      organizationType: "company",
      organizationSize: "medium",
      country: "CA",
      programs: ["IBA"],
    },
    ["IBA|Achievement in International Expansion - North America", "IBA|Achievement in Growth - Medium"],
  ],
  [
    "iba-poland-bpo",
    "Our contact centre in Kraków supports customers of global software brands in 14 languages with 1,200 agents. We hold a 4.7 out of 5 satisfaction score and agent attrition fell to 18%, half the local industry average.",
    { nomineeType: "team", organizationType: "company", organizationSize: "medium", country: "PL", programs: ["IBA"] },
    ["IBA|Contact Center of the Year - Medium"],
  ],
  [
    "iba-dutch-ecommerce-campaign",
    "Our spring campaign for a Dutch online fashion retailer ran in six European countries with locally cast creators in each market. It delivered 2.1 million new app installs and a 19% rise in cross-border orders.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "NL",
      programs: ["IBA"],
    },
    ["IBA|Global Marketing Campaign of the Year", "IBA|Marketing Campaign of the Year - Retail"],
  ],
  [
    "iba-nigeria-ngo",
    "Our Lagos-based NGO trains young women as solar technicians. This year 1,400 graduates installed systems in 300 rural clinics, and we opened a second training centre in Kano.",
    {
      nomineeType: "organization",
      organizationType: "nonprofit",
      organizationSize: "small",
      country: "NG",
      programs: ["IBA"],
    },
    ["IBA|Non-Profit or Government Organization of the Year - Non-Profit", "IBA|Achievement in Social Impact"],
  ],
  [
    "iba-uk-insurer-report",
    "Our integrated annual report, the first from a UK mutual insurer to include audited climate-scenario figures, set out claims performance, member dividends and our net-zero transition plan in 60 readable pages.",
    {
      nomineeType: "publication",
      organizationType: "company",
      organizationSize: "large",
      country: "GB",
      programs: ["IBA"],
    },
    ["IBA|Annual Report of the Year"],
  ],

  // ---------------- Stevie Awards for Women in Business
  [
    "sawib-bakery-founder",
    "Nadia Haddad started baking gluten-free bread in her kitchen in 2017. Her brand is now stocked by 2,000 grocery stores across the US and Canada and employs 34 people in her Michigan bakery.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "small",
      country: "US",
      programs: ["SAWIB"],
    },
    ["SAWIB|Female Entrepreneur of the Year - Products - Small"],
  ],
  [
    "sawib-hospital-coo",
    "As chief operating officer of a 9,000-employee hospital network, Dr. Karen Liu reopened two shuttered rural emergency departments, cut surgical wait lists by 30% and introduced a nurse-led discharge model now copied across the state.",
    {
      nomineeType: "individual",
      organizationType: "nonprofit",
      organizationSize: "large",
      country: "US",
      programs: ["SAWIB"],
    },
    [
      "SAWIB|Female Executive of the Year - Health Products & Services",
      "SAWIB|Woman of the Year - Health Products & Services",
      "SAWIB|Female Healthcare Leader of the Year",
    ],
  ],
  [
    "sawib-vc-mentor",
    "Over the past three years Lisa Okafor has personally mentored 40 women founders through our accelerator. Twenty-two of them have since raised seed rounds and four have been acquired.",
    { nomineeType: "individual", organizationType: "company", country: "US", programs: ["SAWIB"] },
    ["SAWIB|Mentor or Coach of the Year"],
  ],
  [
    "sawib-mexico-microloans",
    "Mujeres Adelante is a Mexican non-profit that lends small amounts to women running market stalls and home businesses and pairs each borrower with a business coach. We made 18,000 loans last year in Oaxaca and Chiapas.",
    {
      nomineeType: "organization",
      organizationType: "nonprofit",
      organizationSize: "small",
      country: "MX",
      programs: ["SAWIB"],
    },
    ["SAWIB|Women Helping Women - Non-Profit"],
  ],
  [
    "sawib-bank-returnship",
    "Our bank's 16-week paid returnship brings back women who stepped away from finance careers to raise children or care for parents. Of 120 participants so far, 97 were hired into permanent roles.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "GB",
      programs: ["SAWIB"],
    },
    ["SAWIB|Return-to-Work Program of the Year"],
  ],
  [
    "sawib-ciso",
    "As CISO of a global logistics firm, Fatima Rahman rebuilt security operations after a 2023 breach, achieved ISO 27001 certification in 11 months and launched a scholarship bringing 50 women into cybersecurity apprenticeships.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "large",
      country: "AE",
      programs: ["SAWIB"],
    },
    ["SAWIB|Woman in Cybersecurity of the Year", "SAWIB|Female Executive of the Year - Technology"],
  ],
  [
    "sawib-young-pm",
    "At 27, Chloe Martin leads product for our payments app's small-business features. Her team's instant-invoice feature launched in May and is already used by 80,000 merchants.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "medium",
      country: "AU",
      programs: ["SAWIB"],
    },
    ["SAWIB|Young Woman Professional of the Year"],
  ],
  [
    "sawib-solo-consultant",
    "I run a one-woman sustainability consultancy from Edinburgh, helping distilleries measure and cut their carbon footprint. This year I worked with 14 clients and doubled my revenue without hiring.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "small",
      country: "GB",
      programs: ["SAWIB"],
    },
    ["SAWIB|Solo Entrepreneur of the Year"],
  ],

  // ---------------- Stevie Awards for Sales & Customer Service
  [
    "sales-telco-cs-dept",
    "Our mobile operator's customer care organisation, 2,400 people across stores, call centres and digital chat, cut repeat contacts by 27% and moved to the top of the national regulator's complaint rankings for the first time.",
    { nomineeType: "team", organizationType: "company", organizationSize: "large", country: "PH", programs: ["SALES"] },
    ["SALES|Customer Service Department of the Year - Telecommunications"],
  ],
  [
    "sales-saas-ae",
    "Jordan Reyes, an enterprise account executive on our data-platform sales team, closed $4.8M in new annual contract value last year, 182% of quota, including our largest-ever healthcare customer.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "medium",
      country: "US",
      programs: ["SALES"],
    },
    ["SALES|Sales Representative of the Year - Computer Software", "SALES|Sales Distinction of the Year"],
  ],
  [
    "sales-sdr",
    "In her first year as an outbound prospector, Aisha booked 410 qualified first meetings for our account executives, of which 96 became opportunities worth $6.2M in pipeline.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "medium",
      country: "GB",
      programs: ["SALES"],
    },
    ["SALES|Sales Development Representative of the Year", "SALES|Young Sales Professional of the Year"],
  ],
  [
    "sales-airline-agent",
    "When a blizzard grounded our evening flights, gate agent Tomas Berg stayed past midnight rebooking 200 passengers, found hotel rooms for an unaccompanied minor's family and drove a stranded wheelchair user to her hotel himself.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "large",
      country: "SE",
      programs: ["SALES"],
    },
    [
      "SALES|Front-Line Customer Service Hero of the Year",
      "SALES|Customer Service Professional of the Year - Transportation & Logistics",
    ],
  ],
  [
    "sales-voicebot-vendor",
    "Our voice AI answers utility and insurance customers' calls in natural speech, handles billing questions end to end and hands complex cases to agents with a summary. Clients report 45% of calls fully resolved without an agent.",
    {
      nomineeType: "product",
      organizationType: "company",
      organizationSize: "small",
      country: "CA",
      programs: ["SALES"],
    },
    ["SALES|Conversational AI Solution of the Year"],
  ],
  [
    "sales-bank-agent-assist",
    "Our retail bank gave all 1,800 contact-centre agents a real-time assistant that listens to calls, surfaces the right policy and drafts the after-call notes. Handle time fell 22% and complaint escalations by a third.",
    {
      nomineeType: "organization",
      organizationType: "company",
      organizationSize: "large",
      country: "AU",
      programs: ["SALES"],
    },
    ["SALES|Best Use of Technology in Customer Service - Financial Services"],
  ],
  [
    "sales-meddevice-enablement",
    "We rebuilt onboarding for our orthopaedic implant sales reps around surgical-theatre simulations and recorded role-play. New reps now reach quota in five months instead of nine.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "US",
      programs: ["SALES"],
    },
    ["SALES|Sales Enablement Program of the Year", "SALES|Sales Training Program of the Year"],
  ],
  [
    "sales-customer-success",
    "Our twelve-person customer success team at an HR software company introduced health scores and quarterly value reviews for every account. Gross churn dropped from 14% to 6% and net revenue retention reached 118%.",
    { nomineeType: "team", organizationType: "company", organizationSize: "small", country: "IE", programs: ["SALES"] },
    ["SALES|Customer Success Team of the Year"],
  ],
  [
    "sales-egypt-bpo",
    "From our three sites in Cairo we run Arabic, English, German and French customer support for 30 international clients. We added 2,000 seats this year and every client renewed.",
    {
      nomineeType: "organization",
      organizationType: "company",
      organizationSize: "large",
      country: "EG",
      programs: ["SALES"],
    },
    [
      "SALES|Outsourced Contact Center of the Year",
      "SALES|Customer Service Outsourcing or Consulting Firm of the Year",
    ],
  ],

  // ---------------- Stevie Awards for Great Employers
  [
    "emp-four-day-week",
    "Our 900-person freight-forwarding company moved office staff to a four-day week and gave warehouse teams a guaranteed three-day weekend rota. Productivity held steady, sick days fell 30% and applications per vacancy doubled.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "medium",
      country: "NZ",
      programs: ["EMPLOYERS"],
    },
    ["EMPLOYERS|Achievement in Flexible & Hybrid Work - Medium"],
  ],
  [
    "emp-retail-frontline",
    "We gave 22,000 store associates same-day access to earned pay, a scheduling app that lets them swap shifts without manager sign-off, and free financial coaching. Turnover among hourly staff fell from 68% to 49%.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "US",
      programs: ["EMPLOYERS"],
    },
    ["EMPLOYERS|Achievement in Frontline Employee Experience", "EMPLOYERS|Achievement in Employee Financial Wellbeing"],
  ],
  [
    "emp-staffing-firm",
    "Our 60-person nurse-staffing agency placed 3,100 nurses in hospitals across Texas last year, kept a 92% client retention rate and paid every nurse within 48 hours of a shift.",
    {
      nomineeType: "organization",
      organizationType: "company",
      organizationSize: "small",
      country: "US",
      programs: ["EMPLOYERS"],
    },
    ["EMPLOYERS|Staffing & Recruitment Firm of the Year - Small"],
  ],
  [
    "emp-chro",
    "Our chief people officer led 8,000 manufacturing employees through a plant consolidation without compulsory redundancies, redeploying 600 people after retraining, and introduced pay transparency bands across all sites.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "large",
      country: "US",
      programs: ["EMPLOYERS"],
    },
    ["EMPLOYERS|HR Executive of the Year - Large"],
  ],
  [
    "emp-payroll-vendor",
    "Our cloud payroll service runs pay for 4,000 small employers in 38 US states and automatically files state and local taxes. Clients reported zero late-filing penalties this year.",
    {
      nomineeType: "product",
      organizationType: "company",
      organizationSize: "medium",
      country: "US",
      programs: ["EMPLOYERS"],
    },
    ["EMPLOYERS|Payroll Solution of the Year"],
  ],
  [
    "emp-hospital-employer",
    "Our children's hospital introduced self-rostering for nurses, a free on-site childcare centre and a counselling service for staff after traumatic cases. Nurse vacancy rates fell from 15% to 4%.",
    {
      nomineeType: "organization",
      organizationType: "nonprofit",
      organizationSize: "medium",
      country: "CA",
      programs: ["EMPLOYERS"],
    },
    [
      "EMPLOYERS|Employer of the Year - Health Products & Services",
      "EMPLOYERS|Achievement in Family & Caregiver Support - Medium",
    ],
  ],
  [
    "emp-apprenticeships",
    "Our two-year software apprenticeship hires school leavers with no degree, pays them from day one and pairs each with a senior engineer. Of the first 80 apprentices, 74 are now full-time developers.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "GB",
      programs: ["EMPLOYERS"],
    },
    ["EMPLOYERS|Achievement in Early Careers & Internships", "EMPLOYERS|Achievement in Learning & Development - Large"],
  ],

  // ---------------- Stevie Awards for Technology Excellence
  [
    "tech-legal-copilot",
    "Our drafting assistant uses a large language model grounded in a firm's own precedents to produce first drafts of contracts and flag risky clauses. It is used by 300 law firms and cuts first-draft time by roughly 60%.",
    {
      nomineeType: "product",
      organizationType: "company",
      organizationSize: "small",
      country: "GB",
      programs: ["TECH"],
    },
    [
      "TECH|Technology Solution of the Year - Generative AI",
      "TECH|Technology Solution of the Year - Legal & Regulatory Technology",
    ],
  ],
  [
    "tech-smart-meters",
    "Our water utility installed 450,000 connected meters with edge analytics that detect leaks overnight. We now find burst pipes within hours instead of weeks and have cut water losses by 18%.",
    {
      nomineeType: "organization",
      organizationType: "government",
      organizationSize: "medium",
      country: "AU",
      programs: ["TECH"],
    },
    [
      "TECH|Technology Implementation of the Year - Internet of Things & Edge Computing",
      "TECH|Technology Implementation of the Year - Smart Cities & Government Technology",
    ],
  ],
  [
    "tech-pq-crypto",
    "Our research team designed a lattice-based key-exchange scheme that runs on low-power payment terminals, published it at a leading cryptography conference and shipped it in firmware to two card networks.",
    { nomineeType: "team", organizationType: "company", organizationSize: "large", country: "FR", programs: ["TECH"] },
    [
      "TECH|Technical Innovation of the Year - Quantum Computing",
      "TECH|Technical Innovation of the Year - Cybersecurity",
    ],
  ],
  [
    "tech-bank-ciso",
    "As chief information security officer at a regional bank, Daniel Osei moved the bank to phishing-resistant passkeys for all 6,000 staff, halved mean time to detect and passed its first regulator cyber-resilience test with no findings.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "large",
      country: "GH",
      programs: ["TECH"],
    },
    ["TECH|Chief Information Security Officer of the Year", "TECH|Technology Executive of the Year - Large"],
  ],
  [
    "tech-open-source",
    "I maintain an open-source library for parsing geospatial data that is downloaded 9 million times a month. This year I led the 3.0 rewrite with 140 contributors and secured funding from four companies for ongoing maintenance.",
    { nomineeType: "individual", country: "DE", programs: ["TECH"] },
    ["TECH|Open Source Contribution of the Year", "TECH|Tech Innovator of the Year"],
  ],
  [
    "tech-satellite-startup",
    "Founded in Luxembourg in 2022, we build shoebox-sized radar satellites that image through clouds. Our first two are in orbit and we signed contracts with three European insurers for flood monitoring.",
    {
      nomineeType: "organization",
      organizationType: "startup",
      organizationSize: "small",
      country: "LU",
      programs: ["TECH"],
    },
    ["TECH|Tech Startup of the Year - Europe"],
  ],
  [
    "tech-platform-team",
    "Our 25-person platform engineering group built an internal developer portal and golden-path templates for 900 engineers. Deployment frequency went from weekly to 40 times a day and new services now reach production in one day instead of three weeks.",
    { nomineeType: "team", organizationType: "company", organizationSize: "medium", country: "US", programs: ["TECH"] },
    [
      "TECH|Technology Team of the Year - Medium",
      "TECH|Technology Implementation of the Year - Software Development & DevOps",
    ],
  ],

  // ---------------- Asia-Pacific Stevie Awards
  [
    "apac-sg-gov-chatbot",
    "Our statutory board launched a virtual assistant that answers questions about housing grants in English, Mandarin, Malay and Tamil, around the clock. It now handles 70% of enquiries and waiting times at service centres have halved.",
    {
      nomineeType: "organization",
      organizationType: "government",
      organizationSize: "large",
      country: "SG",
      programs: ["APAC"],
    },
    [
      "APAC|Award for Innovative Use of Technology in Customer Service - Government",
      "APAC|Innovative Achievement of the Year - Singapore",
    ],
  ],
  [
    "apac-india-bank-csr",
    "Our bank trained 1.2 million villagers in Uttar Pradesh and Bihar to use UPI payments safely through women-led community volunteers, and tracked a measurable fall in fraud complaints in those districts.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "IN",
      programs: ["APAC"],
    },
    ["APAC|Award for Innovation in Corporate Social Responsibility - Financial Services Industries"],
  ],
  [
    "apac-japan-robotics",
    "We are a four-year-old Osaka company building robotic arms that pick irregular produce without bruising it. Twenty-six food factories in Japan now use our robots and we opened a sales office in Thailand.",
    {
      nomineeType: "organization",
      organizationType: "startup",
      organizationSize: "small",
      country: "JP",
      programs: ["APAC"],
    },
    [
      "APAC|Innovative Tech Startup of the Year",
      "APAC|Award for Innovation in Technology Development - All Other Industries",
      "APAC|Innovative Achievement of the Year - Japan",
    ],
  ],
  [
    "apac-au-telco-campaign",
    "Our campaign for an Australian mobile network let regional customers report black spots straight from a map in the app, and we published a public repair schedule for each one. Regional churn fell by 11%.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "AU",
      programs: ["APAC"],
    },
    ["APAC|Award for Innovation in Marketing - Telecommunications Industries"],
  ],
  [
    "apac-vn-founder",
    "Nguyen Thi Lan founded an edtech platform that teaches coding to 400,000 Vietnamese high-school students in partnership with provincial education departments, and has just expanded to Cambodia.",
    {
      nomineeType: "individual",
      organizationType: "company",
      organizationSize: "medium",
      country: "VN",
      programs: ["APAC"],
    },
    ["APAC|Most Innovative Woman of the Year"],
  ],
  [
    "apac-my-utility-hr",
    "Malaysia's state-owned power company created a digital skills academy for 6,000 line engineers and technicians, with micro-credentials recognised by local universities.",
    {
      nomineeType: "organization",
      organizationType: "government",
      organizationSize: "large",
      country: "MY",
      programs: ["APAC"],
    },
    ["APAC|Award for Innovation in Human Resources - Public Enterprise"],
  ],

  // ---------------- Middle East & North Africa Stevie Awards
  [
    "mena-dubai-municipal-app",
    "Our municipality merged 47 separate service portals into one bilingual app where residents can apply for building permits, pay fees and book inspections. Two million transactions went through it in its first year and counter visits fell by 60%.",
    {
      nomineeType: "organization",
      organizationType: "government",
      organizationSize: "large",
      country: "AE",
      programs: ["MENA"],
    },
    [
      "MENA|Innovation in Customer Service - Government",
      "MENA|Digital Transformation Initiative of the Year - Government",
      "MENA|National Achievement of the Year - United Arab Emirates",
    ],
  ],
  [
    "mena-saudi-bank-talent",
    "Our private bank in Riyadh built a graduate academy that recruited 900 young Saudis into technology and risk roles this year, lifting national staff in those departments from 52% to 81%.",
    {
      nomineeType: "organization",
      organizationType: "company",
      organizationSize: "large",
      country: "SA",
      programs: ["MENA"],
    },
    ["MENA|Innovation in Human Resources & Workplace - Private Sector - Financial Services"],
  ],
  [
    "mena-egypt-fintech",
    "Started in Cairo in 2022, our app lets freelancers invoice foreign clients and receive payment in Egyptian pounds within a day. We have 85,000 active users and are licensed by the Central Bank of Egypt.",
    {
      nomineeType: "organization",
      organizationType: "startup",
      organizationSize: "small",
      country: "EG",
      programs: ["MENA"],
    },
    ["MENA|Tech Startup of the Year"],
  ],
  [
    "mena-morocco-solar",
    "Our private developer built agrivoltaic solar farms near Ouarzazate that shade date palms while powering 30,000 homes, cutting irrigation water use by a quarter.",
    {
      nomineeType: "organization",
      organizationType: "company",
      organizationSize: "medium",
      country: "MA",
      programs: ["MENA"],
    },
    [
      "MENA|Innovation in Sustainability - Private Sector - Energy, Industry & Construction",
      "MENA|National Achievement of the Year - Morocco & the Maghreb",
    ],
  ],
  [
    "mena-qatar-airline-exec",
    "As chief commercial officer of Qatar's state-owned carrier, Mariam Al-Kuwari opened nine new routes and led the airline's return to profit after two loss-making years.",
    {
      nomineeType: "individual",
      organizationType: "government",
      organizationSize: "large",
      country: "QA",
      programs: ["MENA"],
    },
    ["MENA|Executive of the Year - Semi-Government & State-Owned", "MENA|Woman of the Year"],
  ],

  // ---------------- German Stevie Awards (DACH)
  [
    "de-mittelstand",
    "Our family-owned company in Baden-Württemberg builds precision grinding machines and employs 600 people. We are world market leader in our niche, export 80% of what we make and this year launched a fully automated line for turbine blades.",
    {
      nomineeType: "organization",
      organizationType: "company",
      organizationSize: "medium",
      country: "DE",
      programs: ["GERMAN"],
    },
    [
      "GERMAN|Mittelständisches Unternehmen des Jahres (Mittelstand Company of the Year)",
      "GERMAN|Unternehmen des Jahres (Company of the Year) - Industrie & Maschinenbau (Industry & Engineering)",
    ],
  ],
  [
    "de-stadtwerke-portal",
    "Unsere Stadtwerke haben ein neues Kundenportal eingeführt: Zählerstände, Tarifwechsel und Abschlagsanpassungen gehen jetzt komplett online. Die Anrufe im Servicecenter sind um 40 Prozent gesunken.",
    {
      nomineeType: "organization",
      organizationType: "government",
      organizationSize: "medium",
      country: "DE",
      programs: ["GERMAN"],
    },
    [
      "GERMAN|Digitalisierungsprojekt des Jahres (Digitalisation Project of the Year)",
      "GERMAN|Kundenservice-Innovation des Jahres (Customer Service Innovation of the Year)",
    ],
  ],
  [
    "de-vienna-startup",
    "We are a Vienna startup founded in 2023 that helps restaurants cut food waste with camera-based bin analytics. 180 restaurants in Austria and Bavaria use it and we closed a €3 million seed round.",
    {
      nomineeType: "organization",
      organizationType: "startup",
      organizationSize: "small",
      country: "AT",
      programs: ["GERMAN"],
    },
    ["GERMAN|Startup des Jahres (Startup of the Year) - Österreich"],
  ],
  [
    "de-basel-pharma-rnd",
    "Our Basel research team developed a continuous-manufacturing process for an oncology drug that cuts production time from weeks to days. Swissmedic approved the process in autumn.",
    {
      nomineeType: "team",
      organizationType: "company",
      organizationSize: "large",
      country: "CH",
      programs: ["GERMAN"],
    },
    [
      "GERMAN|Forschungs- und Entwicklungsteam des Jahres (R&D Team of the Year)",
      "GERMAN|Innovation des Jahres (Innovation of the Year) - Chemie & Pharma (Chemicals & Pharmaceuticals)",
    ],
  ],
  [
    "de-logistics-apprentices",
    "Our logistics group trains 350 apprentices a year as warehouse specialists, truck drivers and IT specialists, offers every graduate a permanent contract and partners with refugee-integration programmes in Hamburg.",
    {
      nomineeType: "campaign",
      organizationType: "company",
      organizationSize: "large",
      country: "DE",
      programs: ["GERMAN"],
    },
    ["GERMAN|Ausbildungsprogramm des Jahres (Apprenticeship Programme of the Year)"],
  ],

  // ---------------- Cross-programme (no programme preference given)
  [
    "x-woman-security-founder",
    "I founded our managed cybersecurity company in Atlanta six years ago after leaving the Air Force. We now protect 350 small businesses and school districts with a team of 70, and revenue grew 48% last year.",
    { nomineeType: "individual", organizationType: "company", organizationSize: "small", country: "US" },
    ["SAWIB|Female Entrepreneur of the Year - Technology - Small", "ABA|Entrepreneur of the Year - Computer Services"],
  ],
  [
    "x-ev-charger",
    "Our company makes bidirectional home EV chargers that let a car power the house during outages and sell energy back to the grid. The product launched in Germany and California this spring and 14,000 units have shipped.",
    { nomineeType: "product", organizationType: "company", organizationSize: "medium", country: "DE" },
    [
      "IBA|New Product of the Year - Clean Energy & Climate Technology",
      "GERMAN|Neues Produkt des Jahres (New Product of the Year) - Energie & Versorgung (Energy & Utilities)",
      "TECH|Technology Solution of the Year - Automotive & Mobility Technology",
    ],
  ],
  [
    "x-dei-program",
    "Our insurer's inclusive-hiring programme partners with disability organisations to redesign job adverts, interviews and workplace adjustments. Employees with disabilities rose from 2% to 7% of our 5,000-person workforce in two years.",
    { nomineeType: "campaign", organizationType: "company", organizationSize: "large", country: "US" },
    [
      "EMPLOYERS|Achievement in Disability Inclusion & Accessibility",
      "EMPLOYERS|Achievement in Workplace Diversity & Inclusion - Large",
      "ABA|Achievement in Workplace Diversity & Inclusion",
    ],
  ],
];

const missing = [];
const nominees = N.map(([id, description, profile, expected]) => ({
  id,
  description,
  profile,
  expected: expected.map((ref) => {
    const code = byName.get(ref);
    if (!code) missing.push(`${id}: ${ref}`);
    return code ?? ref;
  }),
}));
if (missing.length > 0) {
  console.error(`Unknown categories:\n${missing.join("\n")}`);
  process.exit(1);
}
const ids = new Set();
for (const n of nominees) {
  if (ids.has(n.id)) throw new Error(`duplicate id ${n.id}`);
  ids.add(n.id);
}
writeFileSync(join(HERE, "nominees.json"), JSON.stringify(nominees, null, 2) + "\n");
console.log(`wrote ${nominees.length} nominees`);
