// einsim_nm_pe.v — one SAT-style N:M sparse PE: weight buffer, index-driven activation
// multiplexer, LANES multipliers, adder stages, interleaved accumulators.
//
// At its issue cycle a beat reads one weight row (LANES (value, in-group index) pairs:
// GPB groups of N active lanes, the rest idle) and the shared activation window (WINDOW
// words, GPB groups of M); lane l of group g multiplies its value by window word
// g*M + idx. The products pass MULT_LAT multiplier stages and ADDER_LAT adder-tree
// stages and reach the accumulate stage MULT_LAT + ADDER_LAT cycles after issue. There
// the accumulator of the beat's slot (or 0 on an output's first beat) is combined with
// the products lane by lane with saturation to A bits after each addition — the C
// model's order-dependent fx_mac chain, so the "adder tree" stages only carry products
// and the additions happen in the accumulate stage — and the sum takes ACC_LAT cycles
// to be written back (the accumulator is busy meanwhile; the sequencer's scoreboard
// keeps beats of one slot ACC_LAT cycles apart, otherwise the stale value is read). On
// an output's last beat the sum is also written to the output buffer.
// Dense mode is N = M = 1 with GPB = LANES (index 0 everywhere).
module einsim_nm_pe #(
  // word bits, accumulator bits
  parameter integer W = 16,
  parameter integer A = 32,
  // multipliers, activation window, stored index bits
  parameter integer LANES = 4,
  parameter integer WINDOW = 16,
  parameter integer IW = 8,
  // pipeline: multiplier stages, adder-tree stages, accumulator busy cycles (>= 1)
  parameter integer MULT_LAT = 2,
  parameter integer ADDER_LAT = 2,
  parameter integer ACC_LAT = 3,
  // interleaved accumulators and their slot-number width
  parameter integer ACCS = 4,
  parameter integer SW = 2,
  // weight buffer rows (LANES pairs each), output buffer rows
  parameter integer WROWS = 64,
  parameter integer OROWS = 64,
  // address widths of the weight buffer (WROWS * LANES words) and the output buffer
  parameter integer WAW = 8,
  parameter integer OAW = 6,
  // fault injection: nonzero adds 1 to lane 0's product of beats flagged iss_fault_i
  parameter integer FAULT = 0
) (
  input  wire                 clk_i,
  input  wire                 rst_ni,
  // weight-buffer load (one lane of one row per clock)
  input  wire                 wv_we_i,
  input  wire                 wi_we_i,
  input  wire [WAW-1:0]       w_addr_i,     // row * LANES + lane
  input  wire [W-1:0]         w_data_i,
  // issue stage
  input  wire                 iss_v_i,
  input  wire [WAW-1:0]       iss_wbase_i,  // weight row * LANES
  input  wire [WINDOW*W-1:0]  win_i,        // shared activation window
  input  wire [7:0]           n_i,
  input  wire [7:0]           m_i,
  input  wire [7:0]           gpb_i,
  input  wire                 iss_fault_i,  // fault injection: corrupt this beat (FAULT)
  output wire                 meta_err_o,   // the issuing beat's metadata is invalid
  output wire [1:0]           meta_kind_o,
  output wire [7:0]           meta_lane_o,
  // accumulate stage (control delayed by the sequencer)
  input  wire                 acc_v_i,
  input  wire [SW-1:0]        acc_slot_i,
  input  wire                 acc_first_i,
  input  wire                 acc_last_i,
  input  wire [OAW-1:0]       acc_orow_i,
  // output buffer read
  input  wire [OAW-1:0]       rd_addr_i,
  output wire [A-1:0]         rd_data_o
);
  localparam integer P = 2 * W;                       // product bits
  localparam integer SUMW = (A > P ? A : P) + 2;      // one saturating step, exact

  reg [W-1:0]  wval_q [0:WROWS*LANES-1];
  reg [IW-1:0] widx_q [0:WROWS*LANES-1];
  reg [A-1:0]  acc_q  [0:ACCS-1];
  reg [A-1:0]  out_q  [0:OROWS-1];

  always @(posedge clk_i) begin
    if (wv_we_i) wval_q[w_addr_i] <= w_data_i;
    if (wi_we_i) widx_q[w_addr_i] <= w_data_i[IW-1:0];
  end

  // ---- issue: index mux and multipliers -------------------------------------------
  reg  [LANES*IW-1:0] idx;
  reg  [LANES*P-1:0]  prod;
  integer l, k, base, act, sel, wa;
  always @* begin
    act = n_i * gpb_i;
    k = 0;
    base = 0;
    for (l = 0; l < LANES; l = l + 1) begin
      wa = {{(32-WAW){1'b0}}, iss_wbase_i} + l;
      idx[l*IW +: IW] = widx_q[wa[WAW-1:0]];
      sel = base + {{(32-IW){1'b0}}, idx[l*IW +: IW]};
      if (iss_v_i && l < act && {{(32-IW){1'b0}}, idx[l*IW +: IW]} < {24'd0, m_i} && sel < WINDOW)
        prod[l*P +: P] = $signed(wval_q[wa[WAW-1:0]]) * $signed(win_i[sel*W +: W]);
      else
        prod[l*P +: P] = {P{1'b0}};
      if (FAULT != 0 && l == 0 && iss_v_i && iss_fault_i)
        prod[l*P +: P] = prod[l*P +: P] + {{(P-1){1'b0}}, 1'b1};
      if (k + 1 == {24'd0, n_i}) begin
        k = 0;
        base = base + {24'd0, m_i};
      end else begin
        k = k + 1;
      end
    end
  end

  einsim_nm_meta #(.LANES(LANES), .IW(IW)) u_meta (
    .idx_i(idx), .n_i(n_i), .m_i(m_i), .gpb_i(gpb_i),
    .err_o(meta_err_o), .kind_o(meta_kind_o), .lane_o(meta_lane_o)
  );

  wire [LANES*P-1:0] prod_m, prod_a;
  einsim_delay #(.X(LANES*P), .DEPTH(MULT_LAT)) u_mult (
    .clk_i(clk_i), .rst_ni(rst_ni), .d_i(prod), .q_o(prod_m));
  einsim_delay #(.X(LANES*P), .DEPTH(ADDER_LAT)) u_tree (
    .clk_i(clk_i), .rst_ni(rst_ni), .d_i(prod_m), .q_o(prod_a));

  // ---- accumulate: saturating chain in lane order, then ACC_LAT - 1 more stages ----
  localparam [SUMW-1:0] AMAX = {{(SUMW-A+1){1'b0}}, {(A-1){1'b1}}};
  localparam [SUMW-1:0] AMIN = ~AMAX;
  reg [SUMW-1:0] s;
  reg [A-1:0]    sum;
  integer j;
  always @* begin
    s = acc_first_i ? {SUMW{1'b0}} : {{(SUMW-A){acc_q[acc_slot_i][A-1]}}, acc_q[acc_slot_i]};
    for (j = 0; j < LANES; j = j + 1) begin
      s = s + {{(SUMW-P){prod_a[j*P+P-1]}}, prod_a[j*P +: P]};
      if ($signed(s) > $signed(AMAX)) s = AMAX;
      if ($signed(s) < $signed(AMIN)) s = AMIN;
    end
    sum = s[A-1:0];
  end

  localparam integer CW = 1 + SW + 1 + OAW + A;   // {valid, slot, last, orow, sum}
  wire [CW-1:0] wb;
  einsim_delay #(.X(CW), .DEPTH(ACC_LAT - 1)) u_acc (
    .clk_i(clk_i), .rst_ni(rst_ni), .d_i({acc_v_i, acc_slot_i, acc_last_i, acc_orow_i, sum}),
    .q_o(wb));
  wire          wb_v    = wb[CW-1];
  wire [SW-1:0] wb_slot = wb[CW-2 -: SW];
  wire          wb_last = wb[A+OAW];
  wire [OAW-1:0] wb_orow = wb[A+OAW-1 -: OAW];
  wire [A-1:0]  wb_sum  = wb[A-1:0];

  always @(posedge clk_i) begin
    if (wb_v) begin
      acc_q[wb_slot] <= wb_sum;
      if (wb_last) out_q[wb_orow] <= wb_sum;
    end
  end

  assign rd_data_o = out_q[rd_addr_i];
endmodule
