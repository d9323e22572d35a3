// einsim_delay.v — a DEPTH-stage register delay line of X bits (DEPTH = 0 is a wire): the
// skew registers that stagger array lane i by i cycles, and the sparse PE's pipeline stages.
// Its output is its input of DEPTH cycles ago, 0 until DEPTH cycles after reset, as a chain
// of DEPTH registers reset to 0 gives. From two stages on it is written as a circular
// buffer (one entry written per cycle at a moving pointer, the oldest read), which a
// simulator runs without copying every stage each cycle.
module einsim_delay #(
  // bits per stage
  parameter integer X = 1,
  // number of register stages
  parameter integer DEPTH = 0
) (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire [X-1:0] d_i,
  output wire [X-1:0] q_o
);
  generate
    if (DEPTH == 0) begin : g_wire
      assign q_o = d_i;
    end else if (DEPTH == 1) begin : g_reg
      reg [X-1:0] stage_q;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) stage_q <= {X{1'b0}};
        else stage_q <= d_i;
      end
      assign q_o = stage_q;
    end else begin : g_ring
      localparam integer PB = $clog2(DEPTH);
      reg [X-1:0]  mem [0:DEPTH-1];
      reg [PB-1:0] ptr_q;      // the entry written DEPTH cycles ago, rewritten at the clock
      reg          full_q;     // DEPTH cycles since reset: the entries are valid
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          ptr_q <= {PB{1'b0}}; full_q <= 1'b0;
        end else begin
          ptr_q <= (ptr_q == PB'(DEPTH - 1)) ? {PB{1'b0}} : ptr_q + 1'b1;
          if (ptr_q == PB'(DEPTH - 1)) full_q <= 1'b1;
        end
      end
      always @(posedge clk_i) mem[ptr_q] <= d_i;
      assign q_o = full_q ? mem[ptr_q] : {X{1'b0}};
    end
  endgenerate
endmodule
