/** Registration of the PyTorch fixtures' digits MLP (input rows of 64 floats, classes "0"–"9"). */
export const DIGITS_MODEL = {
  task: "classification" as const,
  input: { shape: [64] },
  labels: Array.from({ length: 10 }, (_, i) => String(i)),
  swagRank: 10,
};
