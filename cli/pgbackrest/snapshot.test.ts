import { describe, expect, it } from "vitest";
import { decryptSnapshot, encryptSnapshot } from "./snapshot.js";

describe("stack snapshot encryption", () => {
  const plain = Buffer.from("stevie.yaml and secrets/postgres_password\n".repeat(50));

  it("opens with the key it was sealed with, and hides the content", () => {
    const sealed = encryptSnapshot(plain, "correct horse");
    expect(sealed.includes(Buffer.from("postgres_password"))).toBe(false);
    expect(decryptSnapshot(sealed, "correct horse").equals(plain)).toBe(true);
    // A fresh salt and IV each time: the same content never seals to the same bytes.
    expect(encryptSnapshot(plain, "correct horse").equals(sealed)).toBe(false);
  });

  it("refuses a wrong key, an altered byte and a foreign file with a clear reason", () => {
    const sealed = encryptSnapshot(plain, "correct horse");
    expect(() => decryptSnapshot(sealed, "wrong horse")).toThrow(/wrong key, or the file was altered/);
    const altered = Buffer.from(sealed);
    altered[altered.length - 5]! ^= 0xff;
    expect(() => decryptSnapshot(altered, "correct horse")).toThrow(/wrong key, or the file was altered/);
    expect(() => decryptSnapshot(Buffer.from("PK\u0003\u0004 a zip file"), "correct horse")).toThrow(
      /not a stevie-stack snapshot/,
    );
  });
});
