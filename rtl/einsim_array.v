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
//             column: the exp sequence of einsim_fx.vh (x, then k / f / y = C[T], then
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
//   every cycle. The histories are cleared at reset, so an entry older than the last
//   reset reads as 0, as the registers would.
// * The PEs' state (partial sum, accumulator, weight) is one word each per PE, updated in
//   place at each clock by one loop over the array (the task step_pes, which the
//   simulator compiles once: a loop, not R x C copies of a PE, its temporaries the task's
//   own and so kept in machine registers). The loop runs over the rows from the last to
//   the first, so the one neighbour whose state a PE reads (the partial sum of the PE
//   above) is read before its update: the array's state changes at the clock edge as
//   registers do. A PE computes only what its element needs (an idle PE touches
//   nothing; GEMM writes only the word it changes, the exp step only in SLN, the score
//   registers only in attention).
// * The outputs (the column result buses and the bottom row's next partial sums) are a
//   combinational block over the columns, from the state and the inputs: the
//   result of column j is the MAC of the one row whose last element is there, which the
//   loop records (fin_q) a cycle ahead from column j - 1 (column 0 looks at the edge).
// * The exp sequence keeps its state in the PE's accumulator and weight registers, which
//   no other op uses during an SLN tile (BQK and GEMM OS start from 0 at their first
//   element, GEMM WS loads its weight at its first): after x = sub(s, RM) (in the weight
//   register), the accumulator holds {f, y} and the weight register k, or the most
//   negative word when x was -inf (fx_exp_fin then gives 0).
// * The shadow weights of GEMM WS are one word per PE, a row of C loaded at once.
// * From 17 columns on, while no attention element is in the row flow, every element in
//   the array is a GEMM MAC of the one dataflow ws_i selects, and the clock runs step_os
//   (ws_i low) or step_ws (ws_i high) instead of step_pes: no tag or dataflow tests, and a
//   row whose C PEs all have an element (kept per row as bit vectors of valid / first /
//   last, shifted at each clock) is C plain MACs, beforehand its first elements'
//   accumulators cleared and its last elements recorded (OS) or its first elements'
//   shadow weights loaded (WS). The same words change to the same values as in step_pes.
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
  localparam integer RB = (R > 1) ? $clog2(R) : 1;   // row index bits
  localparam integer CB = (C > 1) ? $clog2(C) : 1;   // column index bits
  localparam integer PW = (N > 1) ? $clog2(N) : 1;   // PE index bits
  localparam integer CW = $clog2(C + 1);              // bits of a count 0 .. C
  // history depth (a power of two >= R, C) and its index bits
  localparam integer HB = (((R > C) ? R : C) > 2) ? $clog2((R > C) ? R : C) : 1;
  localparam integer D = 1 << HB;
  localparam integer RD = 2 * D;                      // a row history's entries (below)
  // step_os and step_ws (below) only from 17 columns on: up to 16 the simulator unrolls
  // step_pes's column loop already, and step_os's code adds instruction-cache misses (8x8
  // GEMM: 16 % fewer instructions, 712 misses a cycle against 633; rtl/README.md, change 25)
  localparam integer OSF = (C > 16) ? 1 : 0;
  localparam integer SN = 2 * NB;                     // score registers per PE
  localparam integer RHW = $clog2(R * RD), SQW = $clog2(N * SN);
  localparam [2:0] X_GEMM = 3'd0, X_BQK = 3'(`EINSIM_OP_A2_BQK), X_LM = 3'(`EINSIM_OP_A2_LM),
                   X_SLN = 3'(`EINSIM_OP_A2_SLN), X_SLD = 3'(`EINSIM_OP_A2_SLD),
                   X_SLNV = 3'(`EINSIM_OP_A2_SLNV);
  localparam signed [W-1:0]  WMIN = {1'b1, {(W-1){1'b0}}};
  localparam signed [A-1:0]  AMIN = {1'b1, {(A-1){1'b0}}};
  localparam signed [A-1:0]  AMAX = {1'b0, {(A-1){1'b1}}};

  // ---- the row and column histories, cleared at reset: entry h of column j at [j][h]; entry
  // h of row i at i * RD + h, and the operand and flags again at i * RD + D + h, so that
  // step_os and step_ws read the entries 0 .. C - 1 cycles old at the consecutive
  // i * RD + D + ptr_q - j, j = 0 .. C - 1, without a wrap (the other readers read the
  // first copy)
  reg  [HB-1:0]       ptr_q;       // the entry written at the next clock
  // (the operands held sign-extended to A bits: the MAC then takes them as they are)
  reg  signed [A-1:0] ha [0:R*RD-1];
  reg  [2:0]          hfl [0:R*RD-1];  // {valid, first, last}
  reg  [RTW-1:0]      hrt [0:R*RD-1];
  reg  [XTW-1:0]      hxt [0:R*RD-1];
  reg  signed [A-1:0] hb [0:C-1][0:D-1];
  reg  [CTW-1:0]      hct [0:C-1][0:D-1];
  // ---- PE state (PE p's word at p = i * C + j), updated in place by the clocked loop:
  // partial sum, accumulator, active weight; the GEMM OS result that the row flow brings
  // to column j at the next cycle ({valid, row}, for j >= 1); the shadow weights; the
  // score registers (PE p's at p * SN; one bank: the tag's bank bit already separates
  // BQK's writes from SLN / SLD / SLNV's reads)
  reg  signed [A-1:0] ps_q [0:N-1];
  reg  signed [A-1:0] acc_q [0:R-1][0:C-1];
  reg  signed [W-1:0] w_q [0:N-1];
  reg  [RB:0]         fin_q [0:C];     // (entry C: written by column C - 1, never read)
  reg  signed [W-1:0] wsr_q [0:N-1];   // PE p's shadow weight (row i's at i * C)
  reg  signed [W-1:0] s_q [0:N*SN-1];
  // ---- the column outputs (combinational)
  reg  signed [A-1:0] psb [0:C-1];
  reg  [CTW-1:0]      ctb [0:C-1];
  reg  signed [A-1:0] res [0:C-1];
  reg                 resv [0:C-1];
  reg  [RTW-1:0]      res_rt [0:C-1];
  reg  [CTW-1:0]      res_ct [0:C-1];
  reg                 avb, alb;
  reg  [XTW-1:0]      xtb;
  // ---- the row inputs at the left edge, one entry per row (read with the row index as an
  // array index, not as a variable part-select of the packed edge vectors, which the
  // simulator evaluates slowly where it does not unroll a loop)
  wire signed [W-1:0] a_e [0:R-1];
  wire [2:0]          fl_e [0:R-1];
  wire [RTW-1:0]      rt_e [0:R-1];
  wire [XTW-1:0]      xt_e [0:R-1];
  // and at the top edge, one entry per column
  wire signed [W-1:0] b_e [0:C-1];
  wire [CTW-1:0]      ct_e [0:C-1];
  wire signed [A-1:0] ps_e [0:C-1];

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ptr_q <= {HB{1'b0}};
    else         ptr_q <= ptr_q + 1'b1;
  end

  genvar gi, gj;
  generate
    for (gi = 0; gi < R; gi = gi + 1) begin : g_row
      assign a_e[gi]  = a_i[gi*W +: W];
      assign fl_e[gi] = {av_i[gi], afirst_i[gi], alast_i[gi]};
      assign rt_e[gi] = rtag_i[gi*RTW +: RTW];
      assign xt_e[gi] = xtag_i[gi*XTW +: XTW];
      integer k;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          for (k = 0; k < C; k = k + 1) wsr_q[gi*C + k] <= {W{1'b0}};
        end else if (wld_i[gi]) begin
          for (k = 0; k < C; k = k + 1) wsr_q[gi*C + k] <= wdata_i[k*W +: W];
        end
      end
    end
    for (gj = 0; gj < C; gj = gj + 1) begin : g_col
      assign b_e[gj]  = b_i[gj*W +: W];
      assign ct_e[gj] = ctag_i[gj*CTW +: CTW];
      assign ps_e[gj] = ps_i[gj*A +: A];
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

  // ---- the PEs' MAC: sat_A(base + a b), plus the fault's LSB in PE (FAULT_ROW, FAULT_COL).
  // When an accumulator word holds every product (A >= 2W: |a b| <= 2^(2W-2)) the sum is
  // taken in A bits and saturated where it overflows (both addends of one sign, the sum
  // of the other): the value of the XW-bit sum, in machine words without the wide
  // compares. Otherwise, and in the fault's PE, the XW-bit sum.
  // The operands are W-bit words, sign-extended to A bits.
  function automatic signed [A-1:0] pe_mac(input signed [A-1:0] mbase, input signed [A-1:0] ma,
                                           input signed [A-1:0] mw, input integer mrow,
                                           input integer mcol);
    reg signed [A-1:0] prod, sum, ovf;
    if (A >= 2 * W && !(FAULT != 0 && mrow == FAULT_ROW && mcol == FAULT_COL)) begin
      prod = ma * mw;
      sum  = mbase + prod;
      // overflow: the sum's sign differs from both addends' (one bit, one rarely taken
      // branch: a test of the addends' signs alone would branch on the data)
      ovf  = (mbase ^ sum) & (prod ^ sum);
      pe_mac = ovf[A-1] ? (mbase[A-1] ? AMIN : AMAX) : sum;
    end else begin
      pe_mac = fx_sata(fx_xa(mbase) + fx_xw(ma[W-1:0]) * fx_xw(mw[W-1:0])
                       + ((FAULT != 0 && mrow == FAULT_ROW && mcol == FAULT_COL)
                          ? (XW'(1) <<< FAULT_SHIFT) : XW'(0)));
    end
  endfunction

  // ---- the PEs' next state: one clocked loop over the array, in place -------------------
  // The loop (the task step_pes, run at every clock) updates every PE's state words where
  // they are, with blocking assignments. It runs over the rows from the last to the
  // first, so a PE reads the partial sum of the PE above before that PE's update in this
  // clock: every PE sees the state of before the clock, as registers do (the row and
  // column flows come from the histories, not from neighbours' state). Only this loop and
  // the outputs below (after the clock) read the state. An idle PE (no valid
  // element) touches nothing. Its temporaries are the task's own variables, which the
  // simulator keeps in machine registers (module-level ones would be stores to memory).
  /* verilator lint_off BLKSEQ */
  task automatic step_pes;
    integer              i, j;
    reg [CW-1:0]         jc;       // the column loop's count (unsigned: a cheaper compare)
    reg [PW-1:0]         p;        // the PE's state word
    reg [RHW-1:0]        rh;       // the PE's row history entry
    reg [RB-1:0]         ri;       // its row and column
    reg [CB-1:0]         ci;
    reg [HB-1:0]         hi;       // the column histories' entry i cycles old
    // the PE's inputs: from the left, from above
    reg signed [A-1:0]   a_in, b_in;   // (sign-extended words)
    reg [2:0]            fl;       // {valid, first, last}
    reg [XTW-1:0]        xt_in;
    reg [2:0]            xop;
    reg [7:0]            ecnt;     // SLN: the element's step of the exp sequence
    reg                  masked;
    reg [SQW-1:0]        sa;       // the element's score register s[bank, blk]
    reg signed [W-1:0]   cur;      // and the score it holds
    reg signed [A-1:0]   psa;      // the partial sum a column reduction starts from
    reg signed [A-1:0]   sat;      // the MAC's result
    reg signed [W-1:0]   mx;
    reg signed [W-1:0]   ey, ef;   // SLN: the exp state y, f held in the accumulator
    reg signed [A-1:0]   psv, accv;  // the PE's next partial sum, accumulator, weight
    reg signed [W-1:0]   wv;
    begin
      for (i = R - 1; i >= 0; i = i - 1) begin
        hi = ptr_q - HB'(i);
        for (jc = {CW{1'b0}}; jc < CW'(C); jc = jc + 1'b1) begin
          j = 32'(jc);
          // the row flow entering PE (i, j): row i's input of j cycles ago
          rh = RHW'(i * RD) + RHW'(HB'(ptr_q - HB'(j)));
          fl = hfl[rh];
          // an idle PE keeps its state: nothing else to compute
          if (fl[2]) begin
            p     = PW'(i * C + j);
            ri    = RB'(i);
            ci    = CB'(jc);
            a_in  = ha[rh];
            xt_in = hxt[rh];
            // the column flow: column j's input of i cycles ago
            b_in  = hb[ci][hi];
            xop   = xt_in[2:0];
            if (xop == X_GEMM) begin
              if (!ws_i) begin
                // GEMM OS: this row's last element reaches column j + 1 at the next cycle,
                // where its result leaves on the column bus
                acc_q[ri][ci] = pe_mac(fl[1] ? {A{1'b0}} : acc_q[ri][ci], a_in, b_in, i, j);
                if (fl[0]) fin_q[j + 1] = {1'b1, RB'(i)};
              end else begin
                // GEMM WS: the first element loads the shadow weight
                wv = fl[1] ? wsr_q[p] : w_q[p];
                ps_q[p] = pe_mac(i == 0 ? ps_e[j] : ps_q[p - PW'(C)], a_in, A'(wv), i, j);
                w_q[p] = wv;
              end
            end else begin
              psv = ps_q[p]; accv = acc_q[ri][ci]; wv = w_q[p];
              sa  = SQW'(i * C + j) * SQW'(SN) + SQW'(xt_in[3 +: BW + 1]);
              cur = s_q[sa];
              // Causal mask: in a diagonal tile (the tag's mask bit; key chunk and query
              // block start at the same index) the PE's key is after its query when its row
              // is greater than its column. BQK then writes -inf (the identity of LM's max)
              // and SLN writes 0 (nothing for SLD and SLNV to add), so the masked score is
              // absent from every reduction as in the fixed-point interpreter's `where`.
              masked = xt_in[XTW-2] && i > j && !(FAULT != 0 && i == R - 1 && j == 0);
              psa = (i == 0) ? (xop == X_LM ? {{(A-W){1'b1}}, WMIN} : {A{1'b0}})
                             : ps_q[p - PW'(C)];
              sat = {A{1'b0}};
              // the MAC (BQK, SLNV)
              if (xop == X_BQK || xop == X_SLNV)
                sat = xop == X_SLNV ? pe_mac(psa, a_in, A'(cur), i, j)
                                    : pe_mac(fl[1] ? {A{1'b0}} : accv, a_in, b_in, i, j);
              case (xop)
                X_BQK: begin
                  accv = sat;
                  if (fl[0]) s_q[sa] = masked ? WMIN : fx_from_acc(sat);
                end
                X_LM: begin
                  mx = fx_max(psa[W-1:0], cur);
                  psv = {{(A-W){mx[W-1]}}, mx};
                end
                X_SLD:  psv = fx_acc_add(psa, cur);
                X_SLNV: psv = sat;
                X_SLN: begin
                  // the exp sequence (einsim_fx.vh), element ecnt of T + 2; x, then k in the
                  // weight register, {f, y} in the accumulator
                  ecnt = xt_in[4 + BW +: 8];
                  ey = accv[W-1:0];
                  ef = W'(accv[W +: F]);
                  if (ecnt == 8'd0) begin
                    wv = fx_sub(cur, b_in[W-1:0]);
                  end else if (ecnt == 8'd1) begin
                    ef = fx_exp_f(wv);
                    wv = wv == WMIN ? WMIN : W'(fx_exp_k(wv));
                    accv = A'({ef[F-1:0], COEF[T*32 +: W]});
                  end else begin
                    accv = A'({ef[F-1:0], fx_exp_step(ey, ef, COEF[(8'(T + 1) - ecnt)*32 +: W])});
                  end
                  // (w_q[p] still holds the weight of before this clock)
                  if (fl[0])
                    s_q[sa] = masked ? {W{1'b0}}
                                     : fx_exp_fin(ey, ef, fx_xw(w_q[p]), 1'b0, COEF[0 +: W]);
                end
                default: ;
              endcase
              ps_q[p] = psv; acc_q[ri][ci] = accv; w_q[p] = wv;
            end
          end
        end
      end
    end
  endtask

  // ---- GEMM OS alone in the array: every PE's element is a GEMM OS MAC or nothing --------
  // While ws_i is low and no attention tag is in the row flow (xf_q: bit k set when some
  // row's input of k cycles before the next clock had a tag whose op is not GEMM, valid or
  // not; an element leaves the row flow C cycles after it entered), step_os does what
  // step_pes would: the same MAC on the same words, without the tag and the dataflow
  // tests, its column loop small enough for the simulator to unroll. A row whose PEs all
  // have an element (rv_q) takes the MAC alone; otherwise each PE tests its flags.
  task automatic step_os;
    integer              i, j;
    reg [RHW-1:0]        r0;       // row i's entry of this cycle (its second copy)
    reg [HB-1:0]         hi;       // the column histories' entry i cycles old
    reg [RB-1:0]         ri;
    reg [RHW-1:0]        rh;
    reg [2:0]            fl;
    reg [C-1:0]          m;        // the row's PEs with a first (last) element still to do
    begin
      for (i = R - 1; i >= 0; i = i - 1) begin
        r0 = RHW'(i * RD + D) + RHW'(ptr_q);
        hi = ptr_q - HB'(i);
        ri = RB'(i);
        if (rv_q[ri] == {C{1'b1}}) begin
          // every PE of the row has an element: the few that are their tile's first start
          // from 0 (their accumulators cleared first), the few that are its last record
          // their result for the column bus
          for (m = rf_q[ri]; m != {C{1'b0}}; m = m & (m - 1'b1))
            acc_q[ri][CB'($countones(m ^ (m - 1'b1)) - 1)] = {A{1'b0}};
          for (m = rl_q[ri]; m != {C{1'b0}}; m = m & (m - 1'b1))
            fin_q[$countones(m ^ (m - 1'b1))] = {1'b1, ri};
          for (j = 0; j < C; j = j + 1)
            acc_q[ri][j] = pe_mac(acc_q[ri][j], ha[r0 - RHW'(j)], hb[j][hi], i, j);
        end else if (rv_q[ri] != {C{1'b0}}) begin
          for (j = 0; j < C; j = j + 1) begin
            rh = r0 - RHW'(j);
            fl = hfl[rh];
            if (fl[2]) begin
              acc_q[ri][j] = pe_mac(fl[1] ? {A{1'b0}} : acc_q[ri][j], ha[rh], hb[j][hi], i, j);
              if (fl[0]) fin_q[j + 1] = {1'b1, ri};
            end
          end
        end
      end
    end
  endtask

  // ---- GEMM WS alone in the array: the same for weight-stationary (ws_i high), every PE's
  // element a GEMM WS MAC or nothing. A row whose PEs all have an element loads the shadow
  // weights of its first elements, then takes C plain MACs on the partial sums from above
  // (from ps_i in row 0); otherwise each PE tests its flags.
  task automatic step_ws;
    integer              i, j;
    reg [RHW-1:0]        r0;       // row i's entry of this cycle (its second copy)
    reg [RB-1:0]         ri;
    reg [PW-1:0]         p0;       // the row's first PE
    reg [RHW-1:0]        rh;
    reg [1:0]            fl;       // {valid, first}
    reg signed [W-1:0]   wv;
    reg [C-1:0]          m;        // the row's PEs with a first element still to load
    begin
      for (i = R - 1; i >= 0; i = i - 1) begin
        r0 = RHW'(i * RD + D) + RHW'(ptr_q);
        ri = RB'(i);
        p0 = PW'(i * C);
        if (rv_q[ri] == {C{1'b1}}) begin
          for (m = rf_q[ri]; m != {C{1'b0}}; m = m & (m - 1'b1))
            w_q[p0 + PW'($countones(m ^ (m - 1'b1)) - 1)]
              = wsr_q[p0 + PW'($countones(m ^ (m - 1'b1)) - 1)];
          for (j = 0; j < C; j = j + 1)
            ps_q[p0 + PW'(j)] = pe_mac(i == 0 ? ps_e[j] : ps_q[p0 + PW'(j) - PW'(C)],
                                      ha[r0 - RHW'(j)], A'(w_q[p0 + PW'(j)]), i, j);
        end else if (rv_q[ri] != {C{1'b0}}) begin
          for (j = 0; j < C; j = j + 1) begin
            rh = r0 - RHW'(j);
            fl = hfl[rh][2:1];
            if (fl[1]) begin
              wv = fl[0] ? wsr_q[p0 + PW'(j)] : w_q[p0 + PW'(j)];
              ps_q[p0 + PW'(j)] = pe_mac(i == 0 ? ps_e[j] : ps_q[p0 + PW'(j) - PW'(C)],
                                        ha[rh], A'(wv), i, j);
              w_q[p0 + PW'(j)] = wv;
            end
          end
        end
      end
    end
  endtask

  // ---- at each clock: this cycle's inputs into the row and column histories (at the entry
  // ptr_q: the PEs of column 0 (row 0) read them there, as the entry 0 cycles old), then
  // the PEs' step
  reg  [C-1:0]        xf_q;        // attention elements in the row flow (step_os, step_ws)
  // per row, bit j for the element entering PE (i, j): valid, first, last
  reg  [C-1:0]        rv_q [0:R-1];
  reg  [C-1:0]        rf_q [0:R-1];
  reg  [C-1:0]        rl_q [0:R-1];
  task automatic step;
    integer              i, j;
    reg                  xin;      // a tag with an attention op enters a row this cycle
    reg [C-1:0]          xf;
    begin
      xin = 1'b0;
      for (i = 0; i < R; i = i + 1) begin
        ha[RHW'(i * RD) + RHW'(ptr_q)]      = A'(a_e[i]);
        hfl[RHW'(i * RD) + RHW'(ptr_q)]     = fl_e[i];
        hrt[RHW'(i * RD) + RHW'(ptr_q)]     = rt_e[i];
        hxt[RHW'(i * RD) + RHW'(ptr_q)]     = xt_e[i];
        if (OSF != 0) begin
          ha[RHW'(i * RD + D) + RHW'(ptr_q)]  = A'(a_e[i]);
          hfl[RHW'(i * RD + D) + RHW'(ptr_q)] = fl_e[i];
          xin = xin | (xt_e[i][2:0] != X_GEMM);
          rv_q[i] = (rv_q[i] << 1) | C'(fl_e[i][2]);
          rf_q[i] = (rf_q[i] << 1) | C'(fl_e[i][1]);
          rl_q[i] = (rl_q[i] << 1) | C'(fl_e[i][0]);
        end
      end
      for (j = 0; j < C; j = j + 1) begin
        hb[j][ptr_q]  = A'(b_e[j]);
        hct[j][ptr_q] = ct_e[j];
        fin_q[j + 1] = {(RB+1){1'b0}};
      end
      xf = (xf_q << 1) | C'(xin);
      xf_q = xf;
      if (OSF != 0 && xf == {C{1'b0}}) begin
        if (ws_i) step_ws;
        else      step_os;
      end else begin
        step_pes;
      end
    end
  endtask

  integer q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (q = 0; q < N; q = q + 1) begin
        ps_q[q] = {A{1'b0}}; acc_q[q / C][q % C] = {A{1'b0}}; w_q[q] = {W{1'b0}};
      end
      for (q = 0; q <= C; q = q + 1) fin_q[q] = {(RB+1){1'b0}};
      xf_q = {C{1'b0}};
      for (q = 0; q < R; q = q + 1) begin
        rv_q[q] = {C{1'b0}}; rf_q[q] = {C{1'b0}}; rl_q[q] = {C{1'b0}};
      end
      // the histories read 0 until written after the reset, as flow registers would
      for (q = 0; q < R * RD; q = q + 1) begin
        ha[q] = {A{1'b0}}; hfl[q] = 3'b000; hrt[q] = {RTW{1'b0}}; hxt[q] = {XTW{1'b0}};
      end
      for (q = 0; q < C * D; q = q + 1) begin
        hb[q / D][q % D] = {A{1'b0}}; hct[q / D][q % D] = {CTW{1'b0}};
      end
    end else begin
      step;
    end
  end
  /* verilator lint_on BLKSEQ */

  // ---- the array's outputs (combinational, from the current bank and the inputs): the
  // GEMM OS result of each column (the PE whose row's last element is there: at most one
  // per column), and the bottom row's next partial sums with its column tags
  /* verilator tracing_off */
  integer              oi, oj;
  reg                  ofv;      // column oj has a result: the one of row ofi
  reg [RB:0]           ofr;
  reg [RB-1:0]         ofi;
  reg [PW-1:0]         opc;
  reg [RHW-1:0]        orh;
  reg [HB-1:0]         ohs;
  reg signed [W-1:0]   oa, ob, ocur, omb, omx;
  reg                  oav, oaf, oal;
  reg [XTW-1:0]        oxt;
  reg [CTW-1:0]        oct;
  reg [RTW-1:0]        ort;
  reg [2:0]            oxop;
  reg                  oattn;
  reg                  ofast;
  reg signed [A-1:0]   ops, opsa, obase;
  /* verilator tracing_on */
  always @* begin
    avb = 1'b0; alb = 1'b0; xtb = {XTW{1'b0}};
    ofr = {(RB+1){1'b0}}; opc = {PW{1'b0}}; orh = {RHW{1'b0}};
    ohs = {HB{1'b0}}; oa = {W{1'b0}}; ob = {W{1'b0}};
    oav = 1'b0; oaf = 1'b0; oal = 1'b0; oxt = {XTW{1'b0}}; oct = {CTW{1'b0}};
    ort = {RTW{1'b0}}; ops = {A{1'b0}}; ocur = {W{1'b0}}; opsa = {A{1'b0}};
    omb = {W{1'b0}}; omx = {W{1'b0}}; obase = {A{1'b0}}; oxop = 3'd0; oattn = 1'b0;
    // no attention tag in row R - 1's flow (the entries 1 .. C - 1 cycles old, xf_q, and
    // the edge), GEMM OS: ps_o is 0
    ofast = OSF != 0 && !ws_i && C'(xf_q << 1) == {C{1'b0}} && xt_e[R-1][2:0] == X_GEMM;
    for (oj = 0; oj < C; oj = oj + 1) begin
      // -- the column's GEMM OS result
      ofv = 1'b0; ofi = {RB{1'b0}};
      if (oj == 0) begin
        if (alast_i != {R{1'b0}})
          for (oi = 0; oi < R; oi = oi + 1)
            if (fl_e[oi][2] && fl_e[oi][0] && xt_e[oi][2:0] == X_GEMM) begin
              ofv = 1'b1; ofi = RB'(oi);
            end
      end else begin
        ofr = fin_q[oj];
        ofv = ofr[RB]; ofi = ofr[RB-1:0];
      end
      res[oj] = {A{1'b0}}; resv[oj] = 1'b0; res_rt[oj] = {RTW{1'b0}}; res_ct[oj] = {CTW{1'b0}};
      if (ofv && !ws_i) begin
        ohs = ptr_q - HB'(oj);
        orh = RHW'(ofi) * RHW'(RD) + RHW'(ohs);
        if (oj == 0) begin
          oa = a_e[ofi]; oaf = fl_e[ofi][1]; ort = rt_e[ofi];
        end else begin
          oa = ha[orh][W-1:0]; oaf = hfl[orh][1]; ort = hrt[orh];
        end
        ohs = ptr_q - HB'(ofi);
        if (ofi == {RB{1'b0}}) begin
          ob = b_e[oj]; oct = ct_e[oj];
        end else begin
          ob = hb[oj][ohs][W-1:0]; oct = hct[oj][ohs];
        end
        res[oj] = pe_mac(oaf ? {A{1'b0}} : acc_q[ofi][oj], A'(oa), A'(ob), 32'(ofi), oj);
        resv[oj] = 1'b1; res_rt[oj] = ort; res_ct[oj] = oct;
      end
      // -- the bottom row's PE (R-1, oj): its next partial sum (no output register), where
      // the array's reading of it needs one: GEMM WS (the write-back) and attention (the
      // column reductions). In GEMM OS the results leave on the column buses and ps_o is
      // 0. Only the one function the element's op needs is evaluated. While GEMM OS is
      // alone in the bottom row (ofast), only the column tags and the last column's row
      // flow are read.
      if (ofast && oj != C - 1) begin
        psb[oj] = {A{1'b0}};
        ctb[oj] = (R == 1) ? ct_e[oj] : hct[oj][HB'(ptr_q - HB'(R - 1))];
      end else begin
      ohs = ptr_q - HB'(oj);
      orh = RHW'((R - 1) * RD) + RHW'(ohs);
      if (oj == 0) begin
        oa = a_e[R-1]; {oav, oaf, oal} = fl_e[R-1]; oxt = xt_e[R-1];
      end else begin
        oa = ha[orh][W-1:0]; {oav, oaf, oal} = hfl[orh]; oxt = hxt[orh];
      end
      ohs = ptr_q - HB'(R - 1);
      opc = PW'((R - 1) * C) + PW'(oj);
      oct = (R == 1) ? ct_e[oj] : hct[oj][ohs];
      oxop  = oxt[2:0];
      oattn = oxop != X_GEMM;
      psb[oj] = {A{1'b0}};
      if (oattn || ws_i) begin
        if (R == 1) begin
          ob = b_e[oj]; ops = ps_e[oj];
        end else begin
          ob = hb[oj][ohs][W-1:0]; ops = ps_q[opc - PW'(C)];
        end
        ocur = oattn ? s_q[SQW'((R - 1) * C + oj) * SQW'(SN) + SQW'(oxt[3 +: BW + 1])]
                     : {W{1'b0}};
        opsa = (oattn && R == 1) ? (oxop == X_LM ? {{(A-W){1'b1}}, WMIN} : {A{1'b0}}) : ops;
        if (oxop == X_LM) begin
          omx = fx_max(opsa[W-1:0], ocur);
          psb[oj] = {{(A-W){omx[W-1]}}, omx};
        end else if (oxop == X_SLD) begin
          psb[oj] = fx_acc_add(opsa, ocur);
        end else begin
          if (oattn)
            omb = oxop == X_SLNV ? ocur : ob;
          else if (oaf)
            omb = wsr_q[(R - 1) * C + oj];
          else
            omb = w_q[opc];
          obase = (oattn ? oxop == X_SLNV : 1'b1) ? opsa : (oaf ? {A{1'b0}} : acc_q[R-1][oj]);
          psb[oj] = pe_mac(obase, A'(oa), A'(omb), R - 1, oj);
        end
      end
      ctb[oj] = oct;
      if (oj == C - 1) begin
        avb = oav; alb = oal; xtb = oxt;
      end
      end
    end
  end
endmodule
