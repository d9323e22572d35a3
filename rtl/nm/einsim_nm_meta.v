// einsim_nm_meta.v — the N:M metadata check of one beat (combinational).
//
// The active lanes 0 .. N*GPB-1 hold GPB groups of N in-group indices. Scanning each group
// left to right like the C model (nm_check_meta), the first problem wins: at position k,
// idx[k] >= M is out of range (kind 1), else equal to an earlier index of the group is
// repeated (kind 2), else idx[k] < idx[k-1] is unsorted (kind 3). err_o is set when any
// group of the beat is invalid; kind_o / lane_o describe the first invalid lane.
module einsim_nm_meta #(
  // multipliers (lanes) of the PE
  parameter integer LANES = 4,
  // bits of one stored in-group index
  parameter integer IW = 8
) (
  input  wire [LANES*IW-1:0] idx_i,
  input  wire [7:0]          n_i,     // N of the running pattern (1 in dense mode)
  input  wire [7:0]          m_i,     // M of the running pattern (1 in dense mode)
  input  wire [7:0]          gpb_i,   // groups per beat
  output reg                 err_o,
  output reg  [1:0]          kind_o,
  output reg  [7:0]          lane_o
);
  integer l, e, k, act;
  reg [1:0] kind;
  always @* begin
    err_o = 1'b0;
    kind_o = 2'd0;
    lane_o = 8'd0;
    act = n_i * gpb_i;
    k = 0;                                   // position of lane l within its group
    for (l = 0; l < LANES; l = l + 1) begin
      kind = 2'd0;
      if (l < act) begin
        if ({24'd0, idx_i[l*IW +: IW]} >= {24'd0, m_i}) begin
          kind = 2'd1;
        end else begin
          for (e = 0; e < LANES; e = e + 1)
            if (e >= l - k && e < l && idx_i[e*IW +: IW] == idx_i[l*IW +: IW]) kind = 2'd2;
          if (kind == 2'd0 && k > 0 && idx_i[l*IW +: IW] < idx_i[(l-1)*IW +: IW]) kind = 2'd3;
        end
      end
      if (kind != 2'd0 && !err_o) begin
        err_o = 1'b1;
        kind_o = kind;
        lane_o = l[7:0];
      end
      k = (k + 1 == {24'd0, n_i}) ? 0 : k + 1;
    end
  end
endmodule
