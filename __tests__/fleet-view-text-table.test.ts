import { textTable } from "../tools/fleet-view/text-table";

test("pads columns to their widest cell, two spaces apart, with a rule under the headers", () => {
  const text = textTable(
    [{ header: "SITE" }, { header: "DAYS", align: "right" }, { header: "NOTE" }],
    [
      ["a", "180", "x"],
      ["longer-name", "7", ""],
    ],
  );
  expect(text.split("\n")).toEqual([
    "SITE         DAYS  NOTE",
    "-----------  ----  ----",
    "a             180  x",
    "longer-name     7",
    "",
  ]);
});
