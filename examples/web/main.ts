/**
 * A web page on its own origin calling the Stevie API with the typed client (`stevie-stack/client`): recommendations,
 * then a chat answer streamed over SSE. The API's address comes from `?api=` (the tRPC endpoint, such as
 * https://api.example.com/api/trpc); the stack must list this page's origin in `api.corsOrigins`.
 * Bundle it with `npx esbuild examples/web/main.ts --bundle --format=esm --outfile=examples/web/main.js`.
 */
import { createStevieClient, isStevieClientError } from "stevie-stack/client";

const params = new URLSearchParams(location.search);
const api = createStevieClient(params.get("api") ?? `${location.origin}/api/trpc`);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the page shows for a failed call: the API's reason, with the field for a bad input. */
function describe(err: unknown): string {
  if (!isStevieClientError(err)) return String(err);
  const fields = err.data?.fieldErrors?.map((f) => `${f.path.join(".") || "input"}: ${f.message}`) ?? [];
  return [`${err.data?.code ?? "error"}: ${err.message}`, ...fields].join("\n");
}

async function recommend(description: string): Promise<void> {
  const { results } = await api.recommend.query({ description, topK: 5 });
  $("results").replaceChildren(
    ...results.map((r) => {
      const li = document.createElement("li");
      li.dataset.code = r.category.code;
      li.innerHTML = "<strong></strong> <small></small><br /><span></span>";
      li.querySelector("strong")!.textContent = r.category.name;
      li.querySelector("small")!.textContent = `${r.program.name} · ${r.category.code}`;
      li.querySelector("span")!.textContent = r.why.summary;
      return li;
    }),
  );
}

/** One chat turn, streamed: the text grows as it arrives; resolves with the finished answer. */
async function chat(message: string): Promise<void> {
  const { sessionId } = await api.chat.start.mutate();
  const out = $("chat");
  out.textContent = "";
  await new Promise<void>((resolve, reject) => {
    const sub = api.chat.send.subscribe(
      { sessionId, message },
      {
        onData(event) {
          if (event.type === "delta") out.textContent += event.text;
          else {
            out.textContent = event.answer.text;
            out.dataset.citations = String(event.answer.citations.length);
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
}

async function run(description: string): Promise<void> {
  document.body.dataset.state = "working";
  $("error").textContent = "";
  try {
    await recommend(description);
    await chat(`Which of these categories suits this nominee best, and why? ${description}`);
    document.body.dataset.state = "done";
  } catch (err) {
    $("error").textContent = describe(err);
    document.body.dataset.state = "error";
  }
}

$("ask").addEventListener("submit", (e) => {
  e.preventDefault();
  void run($<HTMLTextAreaElement>("description").value);
});
void run($<HTMLTextAreaElement>("description").value);
