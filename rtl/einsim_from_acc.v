// einsim_from_acc.v — accumulator to word: from_acc(acc) = sat_W(round_shift(acc, F)),
// round half up (floor((acc + 2^(F-1)) / 2^F)), exactly as fx_from_acc in sim/func/fixed.c.
module einsim_from_acc #(
  // accumulator bits (2F fractional bits)
  parameter integer A = 32,
  // word bits (F fractional bits)
  parameter integer W = 16,
  // fractional bits of a word
  parameter integer F = 8
) (
  input  wire signed [A-1:0] acc_i,
  output wire signed [W-1:0] word_o
);
  wire signed [A:0] ext = {acc_i[A-1], acc_i};
  wire signed [A:0] rounded;
  generate
    if (F == 0) begin : g_noround
      assign rounded = ext;
    end else begin : g_round
      wire signed [A:0] sum = ext + ({{A{1'b0}}, 1'b1} <<< (F - 1));
      assign rounded = sum >>> F;   // arithmetic shift = floor division by 2^F
    end
  endgenerate
  einsim_sat #(.IN(A + 1), .OUT(W)) u_sat (.x_i(rounded), .y_o(word_o));
endmodule
