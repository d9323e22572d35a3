// einsim_nm_seq.v — the beat sequencer of the N:M sparse array: program memory, run
// configuration, accumulator scoreboard, per-beat cycle stamps and the metadata-error
// record.
//
// A program entry (64 bits, written by the host) is one beat of one interleaved output
// on every PE: [0] first beat of the output, [1] last beat, [7:2] accumulator slot,
// [23:8] activation-buffer row, [39:24] weight-buffer row, [55:40] output-buffer row,
// [63:56] reserved (0). Entries issue strictly in program order, at most one per cycle;
// an entry waits while its slot's accumulator is busy (ACC_LAT cycles after that slot's
// previous issue): these waits are the accumulator-hazard bubbles. Cycle 0 is the cycle
// after start_i. The run ends (done_o) on the first cycle with every entry issued and
// every sum written back; cycles_o is that cycle. Stamps: the cycle each entry issued and
// the cycle its sum entered the accumulate stage.
module einsim_nm_seq #(
  parameter integer PES = 4,        // PEs sharing the sequencer
  parameter integer ACCS = 4,       // accumulators per PE
  parameter integer SW = 2,         // slot bits
  parameter integer MULT_LAT = 2,   // multiplier stages
  parameter integer ADDER_LAT = 2,  // adder-tree stages
  parameter integer ACC_LAT = 3,    // accumulator busy cycles per addition (>= 1)
  parameter integer PROG = 256,     // program entries
  parameter integer PAW = 8,        // program address bits
  // fault injection (nonzero): corrupt a product of entry FAULT_PROD_ENTRY (iss_fault_o)
  // and hold entry FAULT_BUBBLE_ENTRY back one extra cycle
  parameter integer FAULT = 0,
  parameter integer FAULT_PROD_ENTRY = 5,
  parameter integer FAULT_BUBBLE_ENTRY = 9
) (
  input  wire            clk_i,
  input  wire            rst_ni,
  input  wire            start_i,
  input  wire            prog_we_i,
  input  wire [PAW-1:0]  prog_addr_i,
  input  wire [63:0]     prog_data_i,
  input  wire            cfg_we_i,
  input  wire [1:0]      cfg_addr_i,     // 0 N, 1 M, 2 groups per beat, 3 entries
  input  wire [15:0]     cfg_data_i,
  // issue stage
  output wire            iss_v_o,
  output wire [15:0]     iss_arow_o,
  output wire [15:0]     iss_wrow_o,
  output wire            iss_fault_o,
  output wire [7:0]      n_o,
  output wire [7:0]      m_o,
  output wire [7:0]      gpb_o,
  // accumulate stage
  output wire            acc_v_o,
  output wire [SW-1:0]   acc_slot_o,
  output wire            acc_first_o,
  output wire            acc_last_o,
  output wire [15:0]     acc_orow_o,
  // metadata check results of the issuing beat, one per PE
  input  wire [PES-1:0]  meta_err_i,
  input  wire [PES*2-1:0] meta_kind_i,
  input  wire [PES*8-1:0] meta_lane_i,
  output wire            meta_err_o,
  // debug read: 0 issue stamp, 1 accumulate stamp, 2 metadata record (addr 0 flag,
  // 1 entry, 2 PE, 3 kind, 4 lane)
  input  wire [1:0]      dbg_sel_i,
  input  wire [31:0]     dbg_addr_i,
  output reg  [31:0]     dbg_data_o,
  output wire            busy_o,
  output wire            done_o,
  output wire [31:0]     cycles_o
);
  reg [63:0] prog_q [0:PROG-1];
  reg [31:0] iss_stamp_q [0:PROG-1];
  reg [31:0] acc_stamp_q [0:PROG-1];
  reg [31:0] free_q [0:ACCS-1];
  reg [7:0]  n_q, m_q, gpb_q;
  reg [15:0] nprog_q;
  reg [PAW:0] pc_q;
  reg [31:0] cyc_q, cycles_q, inflight_q;
  reg        run_q, done_q, bubbled_q;
  reg        merr_q;
  reg [31:0] merr_entry_q, merr_pe_q, merr_kind_q, merr_lane_q;

  always @(posedge clk_i) if (prog_we_i) prog_q[prog_addr_i] <= prog_data_i;

  wire [63:0]   ent   = prog_q[pc_q[PAW-1:0]];
  wire [SW-1:0] slot  = ent[2 +: SW];
  wire          more  = {{(15-PAW){1'b0}}, pc_q} < nprog_q;
  wire          hold  = FAULT != 0 && {{(31-PAW){1'b0}}, pc_q} == FAULT_BUBBLE_ENTRY && !bubbled_q;
  wire          iss   = run_q && more && cyc_q >= free_q[slot] && !hold;

  assign iss_v_o     = iss;
  assign iss_arow_o  = ent[23:8];
  assign iss_wrow_o  = ent[39:24];
  assign iss_fault_o = FAULT != 0 && {{(31-PAW){1'b0}}, pc_q} == FAULT_PROD_ENTRY;
  assign n_o = n_q;
  assign m_o = m_q;
  assign gpb_o = gpb_q;

  // Control to the accumulate stage (MULT_LAT + ADDER_LAT after issue) and write-back
  // (ACC_LAT - 1 after that): {valid, entry, slot, first, last, orow}.
  localparam integer CW = 1 + PAW + SW + 2 + 16;
  wire [CW-1:0] ctl_acc;
  wire          wb_v;
  einsim_delay #(.X(CW), .DEPTH(MULT_LAT + ADDER_LAT)) u_ctl (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .d_i({iss, pc_q[PAW-1:0], slot, ent[0], ent[1], ent[55:40]}), .q_o(ctl_acc));
  einsim_delay #(.X(1), .DEPTH(ACC_LAT - 1)) u_wb (
    .clk_i(clk_i), .rst_ni(rst_ni), .d_i(ctl_acc[CW-1]), .q_o(wb_v));
  wire [PAW-1:0] acc_entry = ctl_acc[CW-2 -: PAW];
  assign acc_v_o     = ctl_acc[CW-1];
  assign acc_slot_o  = ctl_acc[CW-2-PAW -: SW];
  assign acc_first_o = ctl_acc[17];
  assign acc_last_o  = ctl_acc[16];
  assign acc_orow_o  = ctl_acc[15:0];

  // First PE whose metadata is invalid (lowest index).
  reg        any_err;
  reg [31:0] err_pe, err_kind, err_lane;
  integer p;
  always @* begin
    any_err = 1'b0;
    err_pe = 32'd0;
    err_kind = 32'd0;
    err_lane = 32'd0;
    for (p = PES - 1; p >= 0; p = p - 1)
      if (meta_err_i[p]) begin
        any_err = 1'b1;
        err_pe = p;
        err_kind = {30'd0, meta_kind_i[p*2 +: 2]};
        err_lane = {24'd0, meta_lane_i[p*8 +: 8]};
      end
  end

  integer a;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      n_q <= 8'd1; m_q <= 8'd1; gpb_q <= 8'd1; nprog_q <= 16'd0;
      pc_q <= '0; cyc_q <= 32'd0; cycles_q <= 32'd0; inflight_q <= 32'd0;
      run_q <= 1'b0; done_q <= 1'b0; bubbled_q <= 1'b0;
      merr_q <= 1'b0; merr_entry_q <= 32'd0; merr_pe_q <= 32'd0; merr_kind_q <= 32'd0;
      merr_lane_q <= 32'd0;
      for (a = 0; a < ACCS; a = a + 1) free_q[a] <= 32'd0;
    end else begin
      if (cfg_we_i) begin
        case (cfg_addr_i)
          2'd0: n_q <= cfg_data_i[7:0];
          2'd1: m_q <= cfg_data_i[7:0];
          2'd2: gpb_q <= cfg_data_i[7:0];
          default: nprog_q <= cfg_data_i;
        endcase
      end
      if (start_i) begin
        pc_q <= '0; cyc_q <= 32'd0; cycles_q <= 32'd0; inflight_q <= 32'd0;
        run_q <= 1'b1; done_q <= 1'b0; bubbled_q <= 1'b0; merr_q <= 1'b0;
        for (a = 0; a < ACCS; a = a + 1) free_q[a] <= 32'd0;
      end else if (run_q) begin
        cyc_q <= cyc_q + 32'd1;
        if (hold && cyc_q >= free_q[slot]) bubbled_q <= 1'b1;
        if (iss) begin
          iss_stamp_q[pc_q[PAW-1:0]] <= cyc_q;
          free_q[slot] <= cyc_q + ACC_LAT;
          pc_q <= pc_q + 1'b1;
          if (any_err && !merr_q) begin
            merr_q <= 1'b1;
            merr_entry_q <= {{(32-PAW-1){1'b0}}, pc_q};
            merr_pe_q <= err_pe;
            merr_kind_q <= err_kind;
            merr_lane_q <= err_lane;
          end
        end
        if (acc_v_o) acc_stamp_q[acc_entry] <= cyc_q;
        inflight_q <= inflight_q + {31'd0, iss} - {31'd0, wb_v};
        if (!more && inflight_q == 32'd0) begin
          run_q <= 1'b0;
          done_q <= 1'b1;
          cycles_q <= cyc_q;
        end
      end
    end
  end

`ifdef EINSIM_NM_ASSERT
  // Immediate assertion: invalid metadata (repeated, unsorted or out-of-range index).
  always @(posedge clk_i)
    if (iss && any_err)
      $error("einsim_nm: invalid N:M metadata at program entry %0d, PE %0d, lane %0d (kind %0d)",
             pc_q, err_pe, err_lane, err_kind);
`endif

  always @* begin
    case (dbg_sel_i)
      2'd0: dbg_data_o = iss_stamp_q[dbg_addr_i[PAW-1:0]];
      2'd1: dbg_data_o = acc_stamp_q[dbg_addr_i[PAW-1:0]];
      default: begin
        case (dbg_addr_i[2:0])
          3'd0: dbg_data_o = {31'd0, merr_q};
          3'd1: dbg_data_o = merr_entry_q;
          3'd2: dbg_data_o = merr_pe_q;
          3'd3: dbg_data_o = merr_kind_q;
          default: dbg_data_o = merr_lane_q;
        endcase
      end
    endcase
  end

  assign meta_err_o = merr_q;
  assign busy_o = run_q;
  assign done_o = done_q;
  assign cycles_o = cycles_q;
endmodule
