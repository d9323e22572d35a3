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
// * The row flow (operand, valid / first / last, row tag, attention tag) and the column
//   flow (operand, column tag) are pure delays: what enters PE (i, j) from the left is
//   row i's input of j cycles ago, from above column j's input of i cycles ago. Each row
//   and each column keeps its inputs in a circular history of D >= max(R, C) entries,
//   written once per cycle at a moving pointer, and PE (i, j) reads the entry j (i)
//   cycles old: the same values as R x C registers passed along, without copying them
//   every cycle. An entry older than the last reset reads as 0, as the registers would.
// * The PEs' next state (partial sum, accumulator, weight) is computed by one
//   combinational loop over the array, which the simulator compiles once (a loop, not
//   R x C copies of a PE), and each PE's registers are a few lines of the generate block
//   g_pe (non-blocking, so the array's outputs and its state change at the clock edge as
//   registers do). A PE computes only what its element needs (the MAC only for a MAC,
//   the exp step only in SLN, its score register read only in attention): an idle PE
//   costs a few comparisons.
// * The exp sequence keeps its state in the PE's accumulator and weight registers, which
//   no other op uses during an SLN tile (BQK and GEMM OS start from 0 at their first
//   element, GEMM WS loads its weight at its first): after x = sub(s, RM) (in the weight
//   register), the accumulator holds {f, y} and the weight register k, or the most
//   negative word when x was -inf (fx_exp_fin then gives 0).
// * The shadow weights of GEMM WS are one register per row (C words), loaded at once.
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
  // history depth (a power of two >= R, C) and its index bits
  localparam integer HB = (((R > C) ? R : C) > 2) ? $clog2((R > C) ? R : C) : 1;
  localparam integer D = 1 << HB;
  localparam integer SN = 2 * NB;                     // score registers per PE
  localparam integer RHW = $clog2(R * D), CHW = $clog2(C * D), SQW = $clog2(N * SN);
  localparam [2:0] X_GEMM = 3'd0, X_BQK = 3'(`EINSIM_OP_A2_BQK), X_LM = 3'(`EINSIM_OP_A2_LM),
                   X_SLN = 3'(`EINSIM_OP_A2_SLN), X_SLD = 3'(`EINSIM_OP_A2_SLD),
                   X_SLNV = 3'(`EINSIM_OP_A2_SLNV);
  localparam signed [W-1:0]  WMIN = {1'b1, {(W-1){1'b0}}};

  // ---- the row and column histories (entry h of row i at i * D + h) ---------------------
  reg  [HB-1:0]       ptr_q;       // the entry written at the next clock
  reg  [HB:0]         age_q;       // cycles since reset, up to D: older entries read as 0
  reg  signed [W-1:0] ha [0:R*D-1];
  reg  [2:0]          hfl [0:R*D-1];   // {valid, first, last}
  reg  [RTW-1:0]      hrt [0:R*D-1];
  reg  [XTW-1:0]      hxt [0:R*D-1];
  reg  signed [W-1:0] hb [0:C*D-1];
  reg  [CTW-1:0]      hct [0:C*D-1];
  // ---- PE state (index p = i * C + j), written only by g_pe: partial sum, accumulator,
  // active weight; the shadow weights per row; the score registers (PE p's at p * SN)
  reg  signed [A-1:0] ps_q [0:N-1];
  reg  signed [A-1:0] acc_q [0:N-1];
  reg  signed [W-1:0] w_q [0:N-1];
  reg  [C*W-1:0]      wsr_q [0:R-1];
  reg  signed [W-1:0] s_q [0:N*SN-1];
  // ---- their next values and the score-register write of each PE (combinational) --------
  reg  signed [A-1:0] ps_n [0:N-1];
  reg  signed [A-1:0] acc_n [0:N-1];
  reg  signed [W-1:0] w_n [0:N-1];
  reg                 s_we [0:N-1];
  reg  [BW:0]         s_wa [0:N-1];
  reg  signed [W-1:0] s_wd [0:N-1];
  // ---- the column outputs
  reg  signed [A-1:0] psb [0:C-1];
  reg  [CTW-1:0]      ctb [0:C-1];
  reg  signed [A-1:0] res [0:C-1];
  reg                 resv [0:C-1];
  reg  [RTW-1:0]      res_rt [0:C-1];
  reg  [CTW-1:0]      res_ct [0:C-1];
  reg                 avb, alb;
  reg  [XTW-1:0]      xtb;
  // ---- the row inputs at the left edge, one entry per row (read by the loop with the row
  // index as an array index, not as a variable part-select of the packed edge vectors,
  // which the simulator evaluates slowly where it does not unroll the loop)
  wire signed [W-1:0] a_e [0:R-1];
  wire [2:0]          fl_e [0:R-1];
  wire [RTW-1:0]      rt_e [0:R-1];
  wire [XTW-1:0]      xt_e [0:R-1];
  // and at the top edge, one entry per column
  wire signed [W-1:0] b_e [0:C-1];
  wire [CTW-1:0]      ct_e [0:C-1];
  wire signed [A-1:0] ps_e [0:C-1];

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ptr_q <= {HB{1'b0}}; age_q <= {(HB+1){1'b0}};
    end else begin
      ptr_q <= ptr_q + 1'b1;
      if (age_q != (HB+1)'(D)) age_q <= age_q + 1'b1;
    end
  end

  genvar gi, gj;
  generate
    for (gi = 0; gi < R; gi = gi + 1) begin : g_row
      assign a_e[gi]  = a_i[gi*W +: W];
      assign fl_e[gi] = {av_i[gi], afirst_i[gi], alast_i[gi]};
      assign rt_e[gi] = rtag_i[gi*RTW +: RTW];
      assign xt_e[gi] = xtag_i[gi*XTW +: XTW];
      always @(posedge clk_i) begin
        ha[RHW'(gi*D) + RHW'(ptr_q)]  <= a_e[gi];
        hfl[RHW'(gi*D) + RHW'(ptr_q)] <= fl_e[gi];
        hrt[RHW'(gi*D) + RHW'(ptr_q)] <= rt_e[gi];
        hxt[RHW'(gi*D) + RHW'(ptr_q)] <= xt_e[gi];
      end
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) wsr_q[gi] <= {C*W{1'b0}};
        else if (wld_i[gi]) wsr_q[gi] <= wdata_i;
      end
      for (gj = 0; gj < C; gj = gj + 1) begin : g_pe
        localparam integer P = gi * C + gj;
        // The PE's score registers (no reset: every word is written by BQK before it is
        // read).
        always @(posedge clk_i) if (s_we[P]) s_q[SQW'(P*SN) + SQW'(s_wa[P])] <= s_wd[P];
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            ps_q[P] <= {A{1'b0}}; acc_q[P] <= {A{1'b0}}; w_q[P] <= {W{1'b0}};
          end else begin
            ps_q[P] <= ps_n[P]; acc_q[P] <= acc_n[P]; w_q[P] <= w_n[P];
          end
        end
      end
    end
    for (gj = 0; gj < C; gj = gj + 1) begin : g_col
      assign b_e[gj]  = b_i[gj*W +: W];
      assign ct_e[gj] = ctag_i[gj*CTW +: CTW];
      assign ps_e[gj] = ps_i[gj*A +: A];
      always @(posedge clk_i) begin
        hb[CHW'(gj*D) + CHW'(ptr_q)]  <= b_e[gj];
        hct[CHW'(gj*D) + CHW'(ptr_q)] <= ct_e[gj];
      end
      assign ps_o[gj*A +: A]         = psb[gj];
      assign ctag_o[gj*CTW +: CTW]   = ctb[gj];
      assign res_o[gj*A +: A]        = res[gj];
      assign res_v_o[gj]             = resv[gj];
      assign res_rtag_o[gj*RTW +: RTW] = res_rt[gj];
      assign res_ctag_o[gj*CTW +: CTW] = res_ct[gj];
    end
  endgenerate
  assign av_bot_o    = avb;
  assign alast_bot_o = alb;
  assign xtag_bot_o  = xtb;

  // ---- the PEs' datapath: one loop over the array --------------------------------------
  integer i, j;
  reg [PW-1:0]         p;
  reg [RHW-1:0]        rh;       // the PE's row and column history entries
  reg [CHW-1:0]        ch;
  reg [HB-1:0]         hs;       // an entry of a history: the one written d cycles ago
  reg                  rlive, clive;
  // the PE's inputs: from the left, from above
  reg signed [W-1:0]   a_in, b_in;
  reg                  av_in, af_in, al_in;
  reg [XTW-1:0]        xt_in;
  reg [CTW-1:0]        ct_in;
  reg signed [A-1:0]   ps_in;
  reg [2:0]            xop;
  reg [7:0]            ecnt;     // SLN: the element's step of the exp sequence
  reg                  attn, masked;
  reg signed [W-1:0]   cur;      // the score the element reads (s[bank, blk] of its tag)
  reg signed [A-1:0]   psa;      // the partial sum a column reduction starts from
  reg signed [W-1:0]   mb;       // the MAC's second operand
  reg signed [A-1:0]   base;     // the MAC's accumulator input
  reg signed [XW-1:0]  sum;
  reg signed [A-1:0]   sat;      // the MAC's result
  reg signed [W-1:0]   mx;
  reg signed [W-1:0]   ey, ef;   // SLN: the exp state y, f held in the accumulator
  reg signed [A-1:0]   psv, accv;  // the PE's next partial sum, accumulator, weight
  reg signed [W-1:0]   wv;
  reg                  swe;        // and score-register write
  reg signed [W-1:0]   swd;
  always @* begin
    mb = {W{1'b0}}; base = {A{1'b0}}; sum = {XW{1'b0}}; mx = {W{1'b0}}; cur = {W{1'b0}};
    ey = {W{1'b0}}; ef = {W{1'b0}}; ecnt = 8'd0; rh = {RHW{1'b0}}; ch = {CHW{1'b0}};
    rlive = 1'b0; clive = 1'b0; hs = {HB{1'b0}};
    psv = {A{1'b0}}; accv = {A{1'b0}}; wv = {W{1'b0}}; swe = 1'b0; swd = {W{1'b0}};
    avb = 1'b0; alb = 1'b0; xtb = {XTW{1'b0}};
    for (j = 0; j < C; j = j + 1) begin
      res[j] = {A{1'b0}}; resv[j] = 1'b0; res_rt[j] = {RTW{1'b0}}; res_ct[j] = {CTW{1'b0}};
      psb[j] = {A{1'b0}}; ctb[j] = {CTW{1'b0}};
    end
    for (i = 0; i < R; i = i + 1) begin
      for (j = 0; j < C; j = j + 1) begin
        p = PW'(i * C + j);
        // the row inputs: the array's edge for column 0, else row i's input of j cycles ago
        hs = ptr_q - HB'(j);
        rh = RHW'(i * D) + RHW'(hs);
        rlive = j == 0 || age_q >= (HB+1)'(j);
        if (j == 0) begin
          a_in = a_e[i]; {av_in, af_in, al_in} = fl_e[i]; xt_in = xt_e[i];
        end else if (rlive) begin
          a_in = ha[rh]; {av_in, af_in, al_in} = hfl[rh]; xt_in = hxt[rh];
        end else begin
          a_in = {W{1'b0}}; av_in = 1'b0; af_in = 1'b0; al_in = 1'b0; xt_in = {XTW{1'b0}};
        end
        // the column inputs: the array's edge for row 0, else column j's input of i cycles
        // ago and the partial sum of the PE above
        hs = ptr_q - HB'(i);
        ch = CHW'(j * D) + CHW'(hs);
        clive = i == 0 || age_q >= (HB+1)'(i);
        if (i == 0) begin
          b_in = b_e[j]; ct_in = ct_e[j]; ps_in = ps_e[j];
        end else begin
          b_in = clive ? hb[ch] : {W{1'b0}}; ct_in = clive ? hct[ch] : {CTW{1'b0}};
          ps_in = ps_q[p - PW'(C)];
        end
        xop  = xt_in[2:0];
        attn = xop != X_GEMM;
        if (attn) cur = s_q[SQW'(p) * SQW'(SN) + SQW'(xt_in[3 +: BW + 1])];
        // Causal mask: in a diagonal tile (the tag's mask bit; key chunk and query block
        // start at the same index) the PE's key is after its query when its row is greater
        // than its column. BQK then writes -inf (the identity of LM's max) and SLN writes 0
        // (nothing for SLD and SLNV to add), so the masked score is absent from every
        // reduction as in the fixed-point interpreter's `where`.
        masked = xt_in[XTW-2] && i > j && !(FAULT != 0 && i == R - 1 && j == 0);
        psa = (attn && i == 0) ? (xop == X_LM ? {{(A-W){1'b1}}, WMIN} : {A{1'b0}}) : ps_in;
        psv = ps_q[p]; accv = acc_q[p]; wv = w_q[p]; swe = 1'b0; swd = {W{1'b0}};
        sat = {A{1'b0}};
        // The MAC (GEMM OS / WS, BQK, SLNV), for a MAC or for the bottom row's sums.
        if ((av_in && (!attn || xop == X_BQK || xop == X_SLNV)) || i == R - 1) begin
          mb   = attn ? (xop == X_SLNV ? cur : b_in)
                      : (ws_i ? (af_in ? wsr_q[i][j*W +: W] : wv) : b_in);
          base = (attn ? xop == X_SLNV : ws_i) ? psa : (af_in ? {A{1'b0}} : accv);
          sum  = fx_xa(base) + fx_xw(a_in) * fx_xw(mb)
               + ((FAULT != 0 && i == FAULT_ROW && j == FAULT_COL) ? (XW'(1) <<< FAULT_SHIFT) : XW'(0));
          sat  = fx_sata(sum);
        end
        if (i == R - 1) begin
          // the bottom row's next partial sum leaves the array (no output register), with
          // its column tag; the row flow entering PE (R-1, C-1) leaves beside it
          mx  = fx_max(psa[W-1:0], cur);
          psb[j] = xop == X_LM ? {{(A-W){mx[W-1]}}, mx} : xop == X_SLD ? fx_acc_add(psa, cur) : sat;
          ctb[j] = ct_in;
          if (j == C - 1) begin
            avb = av_in; alb = al_in; xtb = xt_in;
          end
        end
        if (av_in) begin
          if (attn) begin
            case (xop)
              X_BQK: begin
                accv = sat;
                if (al_in) begin
                  swe = 1'b1; swd = masked ? WMIN : fx_from_acc(sat);
                end
              end
              X_LM: begin
                mx = fx_max(psa[W-1:0], cur);
                psv = {{(A-W){mx[W-1]}}, mx};
              end
              X_SLD:  psv = fx_acc_add(psa, cur);
              X_SLNV: psv = sat;
              X_SLN: begin
                // the exp sequence (einsim_fxexp), element ecnt of T + 2; x, then k in the
                // weight register, {f, y} in the accumulator
                ecnt = xt_in[4 + BW +: 8];
                ey = accv[W-1:0];
                ef = W'(accv[W +: F]);
                if (ecnt == 8'd0) begin
                  wv = fx_sub(cur, b_in);
                end else if (ecnt == 8'd1) begin
                  ef = fx_exp_f(wv);
                  wv = wv == WMIN ? WMIN : W'(fx_exp_k(wv));
                  accv = A'({ef[F-1:0], COEF[T*32 +: W]});
                end else begin
                  accv = A'({ef[F-1:0], fx_exp_step(ey, ef, COEF[(8'(T + 1) - ecnt)*32 +: W])});
                end
                if (al_in) begin
                  swe = 1'b1;
                  swd = masked ? {W{1'b0}} : fx_exp_fin(ey, ef, fx_xw(w_q[p]), 1'b0, COEF[0 +: W]);
                end
              end
              default: ;
            endcase
          end else if (ws_i) begin
            psv = sat;
            if (af_in) wv = wsr_q[i][j*W +: W];
          end else begin
            accv = sat;
            if (al_in) begin
              // GEMM OS: the result leaves on the column bus, with the PE's row tag
              res[j] = sat; resv[j] = 1'b1; res_ct[j] = ct_in;
              res_rt[j] = j == 0 ? rt_e[i] : hrt[rh];
            end
          end
        end
        // the PE's next state and score-register write
        ps_n[p] = psv; acc_n[p] = accv; w_n[p] = wv;
        s_we[p] = swe; s_wa[p] = xt_in[3 +: BW + 1]; s_wd[p] = swd;
      end
    end
  end
endmodule
