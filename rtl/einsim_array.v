// einsim_array.v — the R x C 2D PE array (GEMM and attention run on it): operands, row
// tags and attention tags flow right, operands / partial sums and column tags flow down,
// each registered once per PE (the systolic skew). Edges are packed vectors (one entry
// per row or column).
//
// Every PE is the same circuit; its operation is chosen per stream element by the
// attention tag that travels right with the row operand ({pair, mask, tid, cnt[7:0],
// blk[BW-1:0], bank, op[2:0]}; op 0 is GEMM, whose dataflow is ws_i):
//   GEMM OS   acc = mac(first ? 0 : acc, a, b); the result leaves on the column bus at the last
//   GEMM WS   ps = mac(ps_above, a, w), w the stationary weight (double-buffered shadow)
//   BQK  (1)  acc = mac(first ? 0 : acc, a, b) (K row from the left, Q column from the
//             top); at the last element s[bank, blk] = from_acc(acc)
//   LM   (2)  ps = max(ps_above, s[bank, blk])          (column max, top row from -inf)
//   SLN  (3)  s[bank, blk] = exp(sub(s[bank, blk], b)), b = RM[p] from the top of the
//             column: the exp sequence of einsim_fxexp (x, then k / f / y = C[T], then
//             the Horner steps, elements cnt = 0 .. T + 1; fx_exp_fin at the last)
//   SLD  (4)  ps = acc_add(ps_above, s[bank, blk])      (column sum, top row from 0)
//   SLNV (5)  ps = mac(ps_above, a, s[bank, blk])       (weight-stationary: the score is
//             the weight, V rows from the left; the GEMM WS datapath)
// A causal diagonal tile (the tag's mask bit) masks the PEs whose key is after their
// query (row > column): BQK writes -inf and SLN writes 0 into their score registers.
// The score registers hold one word per (bank, query block) per PE: two banks, so that
// BQK of chunk s + 1 writes one while SLN / SLD / SLNV of chunk s read the other.
// Arithmetic is fx_* of sim/func/fixed.h, bit-exact.
//
// How it is written (for simulation speed; the circuit is the same as R x C instances):
// the PEs' next state is computed by one combinational loop over the array, which the
// simulator compiles once (a loop, not R x C copies of a PE), and each PE's registers are a
// few lines of the generate block g_pe (non-blocking, so the array's outputs and its
// state change at the clock edge as registers do). A PE computes only what its element
// needs (the MAC only for a MAC, the exp step only in SLN): an idle PE costs a few
// comparisons.
//
// Per column, the GEMM OS results of the PEs that finish a tile this cycle are gathered on
// a column result bus (at most one PE per column finishes per cycle: the sequencer's issue
// interval guarantees it). The bottom row's next partial sums leave on ps_o (GEMM WS
// write-back, attention column reductions) with the row-flow tags that enter PE (R-1, C-1)
// in the same cycle.
`include "einsim_params.vh"
module einsim_array #(
  // PE rows and columns
  parameter integer R = 4,
  parameter integer C = 4,
  // word and accumulator bits
  parameter integer W = 16,
  parameter integer F = 8,
  parameter integer A = 32,
  // the exp sequence: terms, round(log2(e) 2^F), coefficients; query blocks per score
  // bank and the block index bits
  parameter integer T = 5,
  parameter integer LOG2E = 369,
  parameter [9*32-1:0] COEF = {9*32{1'b0}},
  parameter integer NB = 64,
  parameter integer BW = 6,
  // row / column / attention tag bits
  parameter integer RTW = 1,
  parameter integer CTW = 1,
  parameter integer XTW = 18,
  // PE (FAULT_ROW, FAULT_COL) is built wrong when FAULT != 0 (fault-injection variant:
  // every MAC adds 2^FAULT_SHIFT, one output LSB when FAULT_SHIFT = F), and PE (R-1, 0)
  // then ignores the causal mask
  parameter integer FAULT = 0,
  parameter integer FAULT_SHIFT = 0,
  parameter integer FAULT_ROW = 0,
  parameter integer FAULT_COL = 0
) (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             ws_i,
  input  wire [R*W-1:0]   a_i,
  input  wire [R-1:0]     av_i,
  input  wire [R-1:0]     afirst_i,
  input  wire [R-1:0]     alast_i,
  input  wire [R*RTW-1:0] rtag_i,
  input  wire [R*XTW-1:0] xtag_i,
  input  wire [C*W-1:0]   b_i,
  input  wire [C*A-1:0]   ps_i,
  input  wire [C*CTW-1:0] ctag_i,
  input  wire [R-1:0]     wld_i,
  input  wire [C*W-1:0]   wdata_i,
  output wire [C*A-1:0]   ps_o,        // next partial sums of the bottom row (combinational)
  output wire [C*CTW-1:0] ctag_o,      // column tags of the bottom row
  output wire             av_bot_o,    // row flow entering PE (R-1, C-1)
  output wire             alast_bot_o,
  output wire [XTW-1:0]   xtag_bot_o,
  output wire [C*A-1:0]   res_o,       // OS: per-column result bus
  output wire [C-1:0]     res_v_o,
  output wire [C*RTW-1:0] res_rtag_o,
  output wire [C*CTW-1:0] res_ctag_o
);
`include "einsim_fx.vh"
  localparam integer N = R * C;
  localparam integer PW = (N > 1) ? $clog2(N) : 1;   // PE index bits
  localparam [2:0] X_GEMM = 3'd0, X_BQK = 3'(`EINSIM_OP_A2_BQK), X_LM = 3'(`EINSIM_OP_A2_LM),
                   X_SLN = 3'(`EINSIM_OP_A2_SLN), X_SLD = 3'(`EINSIM_OP_A2_SLD),
                   X_SLNV = 3'(`EINSIM_OP_A2_SLNV);
  localparam signed [W-1:0]  WMIN = {1'b1, {(W-1){1'b0}}};
  localparam signed [XW-1:0] FMASK = (XW'(1) <<< F) - XW'(1);

  // ---- PE registers (index p = i * C + j), written only by g_pe -------------------------
  // row flow out of PE p (into PE p + 1), column flow out of PE p (into PE p + C)
  reg  signed [W-1:0] a_q [0:N-1];
  reg                 av_q [0:N-1];
  reg                 af_q [0:N-1];
  reg                 al_q [0:N-1];
  reg  [RTW-1:0]      rt_q [0:N-1];
  reg  [XTW-1:0]      xt_q [0:N-1];
  reg  signed [W-1:0] b_q [0:N-1];
  reg  signed [A-1:0] ps_q [0:N-1];
  reg  [CTW-1:0]      ct_q [0:N-1];
  // accumulator, active and shadow weight; the exp sequence (x, y, f, k, -inf flag)
  reg  signed [A-1:0] acc_q [0:N-1];
  reg  signed [W-1:0] w_q [0:N-1];
  reg  signed [W-1:0] ws_q [0:N-1];
  reg  signed [W-1:0] ex_q [0:N-1];
  reg  signed [W-1:0] ey_q [0:N-1];
  reg  signed [W-1:0] ef_q [0:N-1];
  reg  signed [XW-1:0] ek_q [0:N-1];
  reg                 ez_q [0:N-1];
  // ---- their next values and the score-register write of each PE (combinational) --------
  reg  signed [A-1:0] ps_n [0:N-1];
  reg  signed [A-1:0] acc_n [0:N-1];
  reg  signed [W-1:0] w_n [0:N-1];
  reg  signed [W-1:0] ex_n [0:N-1];
  reg  signed [W-1:0] ey_n [0:N-1];
  reg  signed [W-1:0] ef_n [0:N-1];
  reg  signed [XW-1:0] ek_n [0:N-1];
  reg                 ez_n [0:N-1];
  reg                 s_we [0:N-1];
  reg  [BW:0]         s_wa [0:N-1];
  reg  signed [W-1:0] s_wd [0:N-1];
  // the score each PE's element reads (s[bank, blk] of its tag), from g_pe
  wire signed [W-1:0] cur [0:N-1];
  // the row and column inputs of each PE: the left / upper neighbour's registers, or
  // the array's edge
  wire signed [W-1:0] a_in [0:N-1];
  wire                av_in [0:N-1];
  wire                af_in [0:N-1];
  wire                al_in [0:N-1];
  wire [RTW-1:0]      rt_in [0:N-1];
  wire [XTW-1:0]      xt_in [0:N-1];
  wire signed [W-1:0] b_in [0:N-1];
  wire signed [A-1:0] ps_in [0:N-1];
  wire [CTW-1:0]      ct_in [0:N-1];
  // the column outputs
  reg  signed [A-1:0] psb [0:C-1];
  reg  signed [A-1:0] res [0:C-1];
  reg                 resv [0:C-1];
  reg  [RTW-1:0]      res_rt [0:C-1];
  reg  [CTW-1:0]      res_ct [0:C-1];

  genvar gi, gj;
  generate
    for (gi = 0; gi < R; gi = gi + 1) begin : g_row
      for (gj = 0; gj < C; gj = gj + 1) begin : g_pe
        localparam integer P = gi * C + gj;
        if (gj == 0) begin : g_left
          assign a_in[P]  = a_i[gi*W +: W];
          assign av_in[P] = av_i[gi];
          assign af_in[P] = afirst_i[gi];
          assign al_in[P] = alast_i[gi];
          assign rt_in[P] = rtag_i[gi*RTW +: RTW];
          assign xt_in[P] = xtag_i[gi*XTW +: XTW];
        end else begin : g_right
          assign a_in[P]  = a_q[P-1];
          assign av_in[P] = av_q[P-1];
          assign af_in[P] = af_q[P-1];
          assign al_in[P] = al_q[P-1];
          assign rt_in[P] = rt_q[P-1];
          assign xt_in[P] = xt_q[P-1];
        end
        if (gi == 0) begin : g_top
          assign b_in[P]  = b_i[gj*W +: W];
          assign ps_in[P] = ps_i[gj*A +: A];
          assign ct_in[P] = ctag_i[gj*CTW +: CTW];
        end else begin : g_below
          assign b_in[P]  = b_q[P-C];
          assign ps_in[P] = ps_q[P-C];
          assign ct_in[P] = ct_q[P-C];
        end
        // The PE's score registers (no reset: every word is written by BQK before it is
        // read) and the word its element reads.
        reg signed [W-1:0] s_q [0:2*NB-1];
        assign cur[P] = s_q[xt_in[P][3 +: BW + 1]];
        always @(posedge clk_i) if (s_we[P]) s_q[s_wa[P]] <= s_wd[P];
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            a_q[P] <= {W{1'b0}}; av_q[P] <= 1'b0; af_q[P] <= 1'b0; al_q[P] <= 1'b0;
            rt_q[P] <= {RTW{1'b0}}; xt_q[P] <= {XTW{1'b0}};
            b_q[P] <= {W{1'b0}}; ps_q[P] <= {A{1'b0}}; ct_q[P] <= {CTW{1'b0}};
            acc_q[P] <= {A{1'b0}}; w_q[P] <= {W{1'b0}}; ws_q[P] <= {W{1'b0}};
            ex_q[P] <= {W{1'b0}}; ey_q[P] <= {W{1'b0}}; ef_q[P] <= {W{1'b0}};
            ek_q[P] <= {XW{1'b0}}; ez_q[P] <= 1'b0;
          end else begin
            a_q[P] <= a_in[P]; av_q[P] <= av_in[P]; af_q[P] <= af_in[P]; al_q[P] <= al_in[P];
            rt_q[P] <= rt_in[P]; xt_q[P] <= xt_in[P];
            b_q[P] <= b_in[P]; ps_q[P] <= ps_n[P]; ct_q[P] <= ct_in[P];
            acc_q[P] <= acc_n[P]; w_q[P] <= w_n[P];
            if (wld_i[gi]) ws_q[P] <= wdata_i[gj*W +: W];
            ex_q[P] <= ex_n[P]; ey_q[P] <= ey_n[P]; ef_q[P] <= ef_n[P]; ek_q[P] <= ek_n[P];
            ez_q[P] <= ez_n[P];
          end
        end
      end
    end
    for (gj = 0; gj < C; gj = gj + 1) begin : g_col
      assign ps_o[gj*A +: A]         = psb[gj];
      assign ctag_o[gj*CTW +: CTW]   = ct_in[(R-1)*C+gj];
      assign res_o[gj*A +: A]        = res[gj];
      assign res_v_o[gj]             = resv[gj];
      assign res_rtag_o[gj*RTW +: RTW] = res_rt[gj];
      assign res_ctag_o[gj*CTW +: CTW] = res_ct[gj];
    end
  endgenerate
  assign av_bot_o    = av_in[N-1];
  assign alast_bot_o = al_in[N-1];
  assign xtag_bot_o  = xt_in[N-1];

  // ---- the PEs' datapath: one loop over the array --------------------------------------
  integer i, j;
  reg [PW-1:0]         p;
  reg [2:0]            xop;
  reg                  attn, masked;
  reg signed [A-1:0]   psa;      // the partial sum a column reduction starts from
  reg signed [W-1:0]   mb;       // the MAC's second operand
  reg signed [A-1:0]   base;     // the MAC's accumulator input
  reg signed [XW-1:0]  sum;
  reg signed [A-1:0]   sat;      // the MAC's result
  reg signed [W-1:0]   mx;
  reg signed [A-1:0]   psd;      // the PE's next partial sum
  always @* begin
    mb = {W{1'b0}}; base = {A{1'b0}}; sum = {XW{1'b0}}; mx = {W{1'b0}}; psd = {A{1'b0}};
    for (j = 0; j < C; j = j + 1) begin
      res[j] = {A{1'b0}}; resv[j] = 1'b0; res_rt[j] = {RTW{1'b0}}; res_ct[j] = {CTW{1'b0}};
      psb[j] = {A{1'b0}};
    end
    for (i = 0; i < R; i = i + 1) begin
      for (j = 0; j < C; j = j + 1) begin
        p = PW'(i * C + j);
        xop  = xt_in[p][2:0];
        attn = xop != X_GEMM;
        // Causal mask: in a diagonal tile (the tag's mask bit; key chunk and query block
        // start at the same index) the PE's key is after its query when its row is greater
        // than its column. BQK then writes -inf (the identity of LM's max) and SLN writes 0
        // (nothing for SLD and SLNV to add), so the masked score is absent from every
        // reduction as in the fixed-point interpreter's `where`.
        masked = xt_in[p][XTW-2] && i > j && !(FAULT != 0 && i == R - 1 && j == 0);
        psa = (attn && i == 0) ? (xop == X_LM ? {{(A-W){1'b1}}, WMIN} : {A{1'b0}}) : ps_in[p];
        ps_n[p] = ps_q[p]; acc_n[p] = acc_q[p]; w_n[p] = w_q[p];
        ex_n[p] = ex_q[p]; ey_n[p] = ey_q[p]; ef_n[p] = ef_q[p]; ek_n[p] = ek_q[p];
        ez_n[p] = ez_q[p];
        s_we[p] = 1'b0; s_wa[p] = xt_in[p][3 +: BW + 1]; s_wd[p] = {W{1'b0}};
        sat = {A{1'b0}};
        // The MAC (GEMM OS / WS, BQK, SLNV), for a MAC or for the bottom row's sums.
        if ((av_in[p] && (!attn || xop == X_BQK || xop == X_SLNV)) || i == R - 1) begin
          mb   = attn ? (xop == X_SLNV ? cur[p] : b_in[p])
                      : (ws_i ? (af_in[p] ? ws_q[p] : w_q[p]) : b_in[p]);
          base = (attn ? xop == X_SLNV : ws_i) ? psa : (af_in[p] ? {A{1'b0}} : acc_q[p]);
          sum  = fx_xa(base) + fx_xw(a_in[p]) * fx_xw(mb)
               + ((FAULT != 0 && i == FAULT_ROW && j == FAULT_COL) ? (XW'(1) <<< FAULT_SHIFT) : XW'(0));
          sat  = fx_sata(sum);
        end
        if (i == R - 1) begin
          // the bottom row's next partial sum leaves the array (no output register)
          mx  = fx_max(psa[W-1:0], cur[p]);
          psd = xop == X_LM ? {{(A-W){mx[W-1]}}, mx} : xop == X_SLD ? fx_acc_add(psa, cur[p]) : sat;
          psb[j] = psd;
        end
        if (av_in[p]) begin
          if (attn) begin
            case (xop)
              X_BQK: begin
                acc_n[p] = sat;
                if (al_in[p]) begin
                  s_we[p] = 1'b1; s_wd[p] = masked ? WMIN : fx_from_acc(sat);
                end
              end
              X_LM: begin
                mx = fx_max(psa[W-1:0], cur[p]);
                ps_n[p] = {{(A-W){mx[W-1]}}, mx};
              end
              X_SLD:  ps_n[p] = fx_acc_add(psa, cur[p]);
              X_SLNV: ps_n[p] = sat;
              X_SLN: begin
                // the exp sequence (einsim_fxexp), element cnt of T + 2
                if (xt_in[p][4 + BW +: 8] == 8'd0) begin
                  ex_n[p] = fx_sub(cur[p], b_in[p]);
                end else if (xt_in[p][4 + BW +: 8] == 8'd1) begin
                  ek_n[p] = (fx_xw(ex_q[p]) * XW'(LOG2E)) >>> (2 * F);
                  ef_n[p] = W'(((fx_xw(ex_q[p]) * XW'(LOG2E)) >>> F) & FMASK);
                  ey_n[p] = COEF[T*32 +: W];
                  ez_n[p] = ex_q[p] == WMIN;
                end else begin
                  ey_n[p] = fx_from_acc(fx_mac(A'(fx_xw(COEF[(8'(T + 1) - xt_in[p][4 + BW +: 8])*32 +: W]) <<< F),
                                               ey_q[p], ef_q[p]));
                end
                if (al_in[p]) begin
                  s_we[p] = 1'b1;
                  s_wd[p] = masked ? {W{1'b0}} : fx_exp_fin(ey_q[p], ef_q[p], ek_q[p], ez_q[p], COEF[0 +: W]);
                end
              end
              default: ;
            endcase
          end else if (ws_i) begin
            ps_n[p] = sat;
            if (af_in[p]) w_n[p] = ws_q[p];
          end else begin
            acc_n[p] = sat;
            if (al_in[p]) begin
              // GEMM OS: the result leaves on the column bus
              res[j] = sat; resv[j] = 1'b1; res_rt[j] = rt_in[p]; res_ct[j] = ct_in[p];
            end
          end
        end
      end
    end
  end
endmodule
